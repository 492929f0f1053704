// The addon's JS surface (typed in native/index.d.ts). It only converts
// arguments and results; the engine itself knows nothing of N-API.
#include <napi.h>

#include "cpu_features.h"

namespace {

constexpr const char* kVersion = "0.1.0";

Napi::Value Version(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), kVersion);
}

Napi::Value CpuFeatures(const Napi::CallbackInfo& info) {
  const bitnet::CpuFeatures& f = bitnet::cpu_features();
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("arch", f.arch);
  out.Set("avx2", f.avx2);
  out.Set("fma", f.fma);
  out.Set("f16c", f.f16c);
  out.Set("avx512", f.avx512);
  out.Set("avx512vnni", f.avx512vnni);
  out.Set("neon", f.neon);
  out.Set("dotprod", f.dotprod);
  out.Set("logicalCores", f.logical_cores);
  out.Set("physicalCores", f.physical_cores);
  return out;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("version", Napi::Function::New(env, Version, "version"));
  exports.Set("cpuFeatures", Napi::Function::New(env, CpuFeatures, "cpuFeatures"));
  return exports;
}

}  // namespace

NODE_API_MODULE(bitnet, Init)
