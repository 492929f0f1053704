// The addon's JS surface (typed in native/index.d.ts). It only converts and
// checks arguments and results; the engine itself knows nothing of N-API.
// Every misuse becomes a JS Error with a clear message (and `code`), never a
// crash: wrong types, freed objects, out-of-range numbers.
#include <napi.h>

#include <cmath>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "cpu_features.h"
#include "engine/batch_eval.h"
#include "engine/context.h"
#include "engine/engine_error.h"
#include "engine/model.h"

namespace {

using bitnet::EngineError;

constexpr const char* kVersion = "0.1.0";

struct AddonData {
  Napi::FunctionReference model_ctor;
  Napi::FunctionReference context_ctor;
};

Napi::Error make_error(Napi::Env env, const char* code, const std::string& message) {
  Napi::Error e = Napi::Error::New(env, message);
  e.Set("code", Napi::String::New(env, code));
  return e;
}

[[noreturn]] void throw_arg(Napi::Env env, const std::string& message) {
  throw make_error(env, bitnet::kBadArgument, message);
}

// Runs fn, turning engine and C++ errors into JS errors.
template <typename Fn>
auto guarded(Napi::Env env, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const Napi::Error&) {
    throw;
  } catch (const EngineError& e) {
    throw make_error(env, e.code, e.what());
  } catch (const std::bad_alloc&) {
    throw make_error(env, bitnet::kNoMemory, "out of memory");
  } catch (const std::exception& e) {
    throw make_error(env, "ENGINE_ERROR", e.what());
  }
}

// A JS number that must be an integer in [lo, hi].
double integer_arg(Napi::Env env, Napi::Value v, const std::string& what, double lo, double hi) {
  if (!v.IsNumber()) throw_arg(env, what + " must be a number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || d != std::floor(d) || d < lo || d > hi) {
    throw_arg(env, what + " must be an integer between " + std::to_string(static_cast<long long>(lo)) + " and " +
                       std::to_string(static_cast<long long>(hi)));
  }
  return d;
}

double number_field(Napi::Env env, Napi::Object o, const char* key, const std::string& where) {
  Napi::Value v = o.Get(key);
  if (!v.IsNumber()) throw_arg(env, where + "." + key + " must be a number");
  return v.As<Napi::Number>().DoubleValue();
}

constexpr double kMaxSafe = 9007199254740991.0;  // 2^53 - 1

bitnet::RawHparams read_hparams(Napi::Env env, Napi::Value v) {
  if (!v.IsObject()) throw_arg(env, "options.hparams must be an object");
  Napi::Object o = v.As<Napi::Object>();
  bitnet::RawHparams h;
  const std::string w = "options.hparams";
  h.vocab_size = number_field(env, o, "vocabSize", w);
  h.context_length = number_field(env, o, "contextLength", w);
  h.embedding_length = number_field(env, o, "embeddingLength", w);
  h.block_count = number_field(env, o, "blockCount", w);
  h.feed_forward_length = number_field(env, o, "feedForwardLength", w);
  h.head_count = number_field(env, o, "headCount", w);
  h.head_count_kv = number_field(env, o, "headCountKv", w);
  h.rope_freq_base = number_field(env, o, "ropeFreqBase", w);
  h.rms_epsilon = number_field(env, o, "rmsEpsilon", w);
  return h;
}

std::vector<bitnet::TensorInfo> read_tensors(Napi::Env env, Napi::Value v) {
  if (!v.IsArray()) throw_arg(env, "options.tensors must be an array");
  Napi::Array a = v.As<Napi::Array>();
  uint32_t n = a.Length();
  if (n > (1u << 20)) throw_arg(env, "options.tensors has too many entries");
  std::vector<bitnet::TensorInfo> out(n);
  for (uint32_t i = 0; i < n; ++i) {
    const std::string where = "options.tensors[" + std::to_string(i) + "]";
    Napi::Value e = a.Get(i);
    if (!e.IsObject()) throw_arg(env, where + " must be an object");
    Napi::Object t = e.As<Napi::Object>();
    bitnet::TensorInfo& ti = out[i];
    Napi::Value name = t.Get("name");
    if (!name.IsString()) throw_arg(env, where + ".name must be a string");
    ti.name = name.As<Napi::String>().Utf8Value();
    ti.type = static_cast<int>(integer_arg(env, t.Get("type"), where + ".type", 0, 1 << 20));
    ti.offset = static_cast<uint64_t>(integer_arg(env, t.Get("offset"), where + ".offset", 0, kMaxSafe));
    ti.bytes = static_cast<uint64_t>(integer_arg(env, t.Get("bytes"), where + ".bytes", 0, kMaxSafe));
    Napi::Value dims = t.Get("dims");
    if (!dims.IsArray()) throw_arg(env, where + ".dims must be an array");
    Napi::Array d = dims.As<Napi::Array>();
    if (d.Length() > 8) throw_arg(env, where + ".dims has more than 8 entries");
    for (uint32_t k = 0; k < d.Length(); ++k) {
      ti.dims.push_back(static_cast<int64_t>(
          integer_arg(env, d.Get(k), where + ".dims[" + std::to_string(k) + "]", 0, kMaxSafe)));
    }
  }
  return out;
}

// options.abort of eval and evalBatch (`call` names which): an Int32Array,
// usually over a SharedArrayBuffer, or empty when not given.
Napi::Value read_abort(Napi::Env env, Napi::Object options, const char* call) {
  Napi::Value ab = options.Get("abort");
  if (ab.IsUndefined()) return Napi::Value();
  if (!ab.IsTypedArray() || ab.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array ||
      ab.As<Napi::Int32Array>().ElementLength() < 1) {
    throw_arg(env, std::string(call) + " options.abort must be an Int32Array (over a SharedArrayBuffer) of length >= 1");
  }
  return ab;
}

// The flag the engine polls, from read_abort's result. Valid until JS runs.
// The name options.lmHead gives each output layer.
const char* lm_head_name(bitnet::LmHead head) {
  switch (head) {
    case bitnet::LmHead::kInt8: return "int8";
    case bitnet::LmHead::kF16: return "f16";
    case bitnet::LmHead::kQ4: return "q4";
  }
  return "?";
}

const int32_t* abort_flag(Napi::Value abort) {
  return abort.IsEmpty() ? nullptr : abort.As<Napi::Int32Array>().Data();
}

// A logits buffer of at least `floats` floats: `buffer`, or a new JS-owned
// one in its place when it holds fewer (`held`). Views handed out before
// keep the old buffer alive, so nothing can read freed memory.
float* logits_buffer(Napi::Env env, Napi::Reference<Napi::ArrayBuffer>& buffer, size_t& held, size_t floats) {
  if (floats > held) {
    buffer = Napi::Persistent(Napi::ArrayBuffer::New(env, floats * sizeof(float)));
    held = floats;
  }
  return static_cast<float*>(buffer.Value().Data());
}

void check_eval_room(Napi::Env env, size_t n, int capacity, int length) {
  if (n > static_cast<size_t>(capacity - length)) {
    throw_arg(env, "eval of " + std::to_string(n) + " tokens at position " + std::to_string(length) +
                       " does not fit in the context capacity of " + std::to_string(capacity));
  }
}

// eval's tokens, copied into `out` (so the engine reads memory no other JS
// code or thread can change under it) once they are known to fit in the
// context: at most capacity - length of them, and at least one.
void read_eval_tokens(Napi::Env env, Napi::Value v, int capacity, int length, std::vector<int32_t>& out) {
  if (v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_int32_array) {
    Napi::Int32Array ia = v.As<Napi::Int32Array>();
    check_eval_room(env, ia.ElementLength(), capacity, length);
    out.assign(ia.Data(), ia.Data() + ia.ElementLength());
  } else if (v.IsArray()) {
    Napi::Array a = v.As<Napi::Array>();
    const uint32_t n = a.Length();
    check_eval_room(env, n, capacity, length);
    out.resize(n);
    for (uint32_t i = 0; i < n; ++i) {
      out[i] = static_cast<int32_t>(
          integer_arg(env, a.Get(i), "eval(tokens): tokens[" + std::to_string(i) + "]", -2147483648.0, 2147483647.0));
    }
  } else {
    throw_arg(env, "eval(tokens): tokens must be an Int32Array or an array of numbers");
  }
  if (out.empty()) throw_arg(env, "eval(tokens): tokens is empty; eval needs at least one token");
}

struct EvalOptions {
  bool all_logits = false;
  Napi::Value abort;  // see read_abort
};

EvalOptions read_eval_options(Napi::Env env, Napi::Value v) {
  EvalOptions options;
  if (v.IsUndefined() || v.IsNull()) return options;
  if (!v.IsObject()) throw_arg(env, "eval(tokens, options): options must be an object");
  Napi::Object o = v.As<Napi::Object>();
  Napi::Value all = o.Get("allLogits");
  if (!all.IsUndefined()) {
    if (!all.IsBoolean()) throw_arg(env, "eval options.allLogits must be a boolean");
    options.all_logits = all.As<Napi::Boolean>().Value();
  }
  options.abort = read_abort(env, o, "eval");
  return options;
}

// ---- NativeModel ----

class ModelWrap : public Napi::ObjectWrap<ModelWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "NativeModel",
                       {InstanceAccessor<&ModelWrap::Stats>("stats"),
                        InstanceMethod<&ModelWrap::CreateContext>("createContext"),
                        InstanceMethod<&ModelWrap::EvalBatch>("evalBatch"),
                        InstanceMethod<&ModelWrap::SetThreads>("setThreads"),
                        InstanceMethod<&ModelWrap::Free>("free")});
  }

  ModelWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ModelWrap>(info) {
    if (info.Length() != 1 || !info[0].IsExternal()) {
      throw Napi::TypeError::New(info.Env(), "NativeModel cannot be constructed directly; use loadModel()");
    }
    model_.reset(info[0].As<Napi::External<bitnet::Model>>().Data());
  }

  // Null once free() ran.
  bitnet::Model* model() const { return model_.get(); }

 private:
  bitnet::Model& live(Napi::Env env) {
    if (!model_) throw make_error(env, "FREED", "this model was freed");
    return *model_;
  }

  Napi::Value Stats(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    bitnet::Model& m = live(env);
    Napi::Object s = Napi::Object::New(env);
    s.Set("loadMs", m.stats().load_ms);
    s.Set("weightBytes", static_cast<double>(m.stats().weight_bytes));
    s.Set("bytesPerToken", static_cast<double>(m.stats().bytes_per_token));
    s.Set("lmHead", lm_head_name(m.lm_head()));
    s.Set("kvCache", m.kv_cache() == bitnet::KvCache::kI8 ? "i8" : "f16");
    s.Set("kernels", m.kernels().name);
    s.Set("threads", m.pool().size());
    return s;
  }

  Napi::Value CreateContext(const Napi::CallbackInfo& info);
  Napi::Value EvalBatch(const Napi::CallbackInfo& info);

  Napi::Value SetThreads(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    bitnet::Model& m = live(env);
    int n = static_cast<int>(integer_arg(env, info[0], "setThreads(threads): threads", 0, 256));
    guarded(env, [&] { m.set_threads(n); });
    return env.Undefined();
  }

  Napi::Value Free(const Napi::CallbackInfo& info) {
    batch_.reset();
    batch_logits_.Reset();
    batch_logits_floats_ = 0;
    model_.reset();
    return info.Env().Undefined();
  }

  std::unique_ptr<bitnet::Model> model_;
  // evalBatch's scratch and logits, made on its first call.
  std::unique_ptr<bitnet::BatchEval> batch_;
  Napi::Reference<Napi::ArrayBuffer> batch_logits_;
  size_t batch_logits_floats_ = 0;
  std::vector<int32_t> batch_tokens_, batch_counts_;
};

// ---- NativeContext ----

class ContextWrap : public Napi::ObjectWrap<ContextWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "NativeContext",
                       {InstanceAccessor<&ContextWrap::Capacity>("capacity"),
                        InstanceAccessor<&ContextWrap::Length>("length"),
                        InstanceAccessor<&ContextWrap::KvBytes>("kvBytes"),
                        InstanceMethod<&ContextWrap::Eval>("eval"), InstanceMethod<&ContextWrap::Trim>("trim"),
                        InstanceMethod<&ContextWrap::Free>("free")});
  }

  ContextWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ContextWrap>(info) {
    if (info.Length() != 2 || !info[0].IsObject() || !info[1].IsExternal()) {
      throw Napi::TypeError::New(info.Env(), "NativeContext cannot be constructed directly; use model.createContext()");
    }
    // Keeps the model object (and so its weights) alive while this context is.
    owner_obj_ = Napi::Persistent(info[0].As<Napi::Object>());
    owner_ = ModelWrap::Unwrap(info[0].As<Napi::Object>());
    ctx_.reset(info[1].As<Napi::External<bitnet::Context>>().Data());
  }

  // The context, if it and its model are alive and the model is `model`.
  bitnet::Context* context_of(const ModelWrap* model) const {
    return ctx_ && owner_ == model && owner_->model() ? ctx_.get() : nullptr;
  }

 private:
  bitnet::Context& live(Napi::Env env) {
    if (!ctx_) throw make_error(env, "FREED", "this context was freed");
    if (!owner_->model()) throw make_error(env, "FREED", "the model of this context was freed");
    return *ctx_;
  }

  Napi::Value Capacity(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), live(info.Env()).capacity()); }
  Napi::Value Length(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), live(info.Env()).length()); }
  Napi::Value KvBytes(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(live(info.Env()).kv_bytes()));
  }

  // eval(tokens, options?): the arguments are read first, then the context
  // is looked up again (reading them can run JS, even code that frees this
  // context or its model), then the engine runs and the logits go back.
  Napi::Value Eval(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const int capacity = live(env).capacity(), length = live(env).length();
    read_eval_tokens(env, info[0], capacity, length, token_copy_);
    const EvalOptions options = read_eval_options(env, info[1]);

    bitnet::Context& ctx = live(env);
    const int n = static_cast<int>(token_copy_.size());
    const size_t floats = ctx.logits_floats(n, options.all_logits);
    float* out = logits_buffer(env, logits_, logits_floats_, floats);
    // From here to the return no JS runs, so these pointers stay valid.
    guarded(env, [&] { ctx.eval(token_copy_.data(), n, options.all_logits, abort_flag(options.abort), out); });
    return Napi::Float32Array::New(env, floats, logits_.Value(), 0);
  }

  Napi::Value Trim(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    bitnet::Context& ctx = live(env);
    int n = static_cast<int>(integer_arg(env, info[0], "trim(n): n", 0, 2147483647.0));
    guarded(env, [&] { ctx.trim(n); });
    return env.Undefined();
  }

  Napi::Value Free(const Napi::CallbackInfo& info) {
    ctx_.reset();
    logits_.Reset();
    logits_floats_ = 0;
    if (!owner_obj_.IsEmpty()) owner_obj_.Reset();
    return info.Env().Undefined();
  }

  Napi::ObjectReference owner_obj_;
  ModelWrap* owner_ = nullptr;
  std::unique_ptr<bitnet::Context> ctx_;
  Napi::Reference<Napi::ArrayBuffer> logits_;
  size_t logits_floats_ = 0;
  std::vector<int32_t> token_copy_;
};

Napi::Value ModelWrap::CreateContext(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  bitnet::Model& m = live(env);
  int capacity = static_cast<int>(integer_arg(env, info[0], "createContext(capacity): capacity", 1, 1 << 24));
  bitnet::Context* ctx = guarded(env, [&] { return new bitnet::Context(m, capacity); });
  Napi::External<bitnet::Context> ext = Napi::External<bitnet::Context>::New(env, ctx);
  // If construction of the wrapper fails, the context must not leak.
  std::unique_ptr<bitnet::Context> guard(ctx);
  Napi::Object obj = env.GetInstanceData<AddonData>()->context_ctor.New({info.This(), ext});
  guard.release();
  return obj;
}

// evalBatch(contexts, tokens, options?): for each context its tokens (one
// id, or an array of ids), all in a single pass over the weights
// (engine/batch_eval.h). Arguments are read first (which can run JS); the
// contexts are looked up once that is done.
Napi::Value ModelWrap::EvalBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  live(env);
  const std::string usage = "evalBatch(contexts, tokens)";
  if (!info[0].IsArray()) throw_arg(env, usage + ": contexts must be an array of contexts");
  Napi::Array ca = info[0].As<Napi::Array>();
  const uint32_t n = ca.Length();
  if (n < 1 || n > bitnet::BatchEval::kMaxContexts) {
    throw_arg(env, usage + ": contexts must hold 1 to " + std::to_string(bitnet::BatchEval::kMaxContexts) + " contexts");
  }
  Napi::Function context_ctor = env.GetInstanceData<AddonData>()->context_ctor.Value();
  std::vector<Napi::Object> objects;
  for (uint32_t i = 0; i < n; ++i) {
    Napi::Value v = ca.Get(i);
    if (!v.IsObject() || !v.As<Napi::Object>().InstanceOf(context_ctor)) {
      throw_arg(env, usage + ": contexts[" + std::to_string(i) + "] is not a NativeContext");
    }
    objects.push_back(v.As<Napi::Object>());
  }
  if (!info[1].IsArray() || info[1].As<Napi::Array>().Length() != n) {
    throw_arg(env, usage + ": tokens must be an array with an entry per context");
  }
  Napi::Array ta = info[1].As<Napi::Array>();
  batch_counts_.assign(n, 0);
  batch_tokens_.clear();
  // Copied with a bound, so a huge array cannot make the copy itself huge.
  auto take = [&](Napi::Value v, const std::string& what) {
    if (batch_tokens_.size() >= static_cast<size_t>(bitnet::BatchEval::kMaxRows)) {
      throw_arg(env, usage + ": at most " + std::to_string(bitnet::BatchEval::kMaxRows) + " tokens in all");
    }
    batch_tokens_.push_back(static_cast<int32_t>(integer_arg(env, v, usage + ": " + what, -2147483648.0, 2147483647.0)));
  };
  for (uint32_t i = 0; i < n; ++i) {
    const std::string at = "tokens[" + std::to_string(i) + "]";
    Napi::Value v = ta.Get(i);
    const size_t before = batch_tokens_.size();
    if (v.IsNumber()) {
      take(v, at);
    } else if (v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_int32_array) {
      Napi::Int32Array ia = v.As<Napi::Int32Array>();
      for (size_t k = 0; k < ia.ElementLength(); ++k) take(Napi::Number::New(env, ia[k]), at);
    } else if (v.IsArray()) {
      Napi::Array a = v.As<Napi::Array>();
      for (uint32_t k = 0; k < a.Length(); ++k) take(a.Get(k), at + "[" + std::to_string(k) + "]");
    } else {
      throw_arg(env, usage + ": " + at + " must be a token id, an array of them or an Int32Array");
    }
    batch_counts_[i] = static_cast<int32_t>(batch_tokens_.size() - before);
  }
  Napi::Value abort_value;
  if (info.Length() > 2 && !info[2].IsUndefined() && !info[2].IsNull()) {
    if (!info[2].IsObject()) throw_arg(env, usage + ": options must be an object");
    abort_value = read_abort(env, info[2].As<Napi::Object>(), "evalBatch");
  }

  bitnet::Model& m = live(env);
  std::vector<bitnet::Context*> contexts(n);
  for (uint32_t i = 0; i < n; ++i) {
    contexts[i] = Napi::ObjectWrap<ContextWrap>::Unwrap(objects[i])->context_of(this);
    if (!contexts[i]) {
      throw make_error(env, "FREED", usage + ": contexts[" + std::to_string(i) + "] was freed or belongs to another model");
    }
  }
  if (!batch_) batch_ = guarded(env, [&] { return std::make_unique<bitnet::BatchEval>(m); });
  const size_t floats = static_cast<size_t>(n) * static_cast<size_t>(m.hparams().vocab);
  float* out = logits_buffer(env, batch_logits_, batch_logits_floats_, floats);
  // From here to the return no JS runs, so these pointers stay valid.
  const int32_t* abort = abort_flag(abort_value);
  guarded(env, [&] {
    batch_->eval(contexts.data(), batch_counts_.data(), batch_tokens_.data(), static_cast<int>(n), abort, out);
  });
  return Napi::Float32Array::New(env, floats, batch_logits_.Value(), 0);
}

// ---- module functions ----

Napi::Value Version(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), kVersion); }

Napi::Value CpuFeatures(const Napi::CallbackInfo& info) {
  const bitnet::CpuFeatures& f = bitnet::cpu_features();
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("arch", f.arch);
  out.Set("avx2", f.avx2);
  out.Set("fma", f.fma);
  out.Set("f16c", f.f16c);
  out.Set("avxvnni", f.avxvnni);
  out.Set("avx512", f.avx512);
  out.Set("avx512vnni", f.avx512vnni);
  out.Set("amx", f.amx);
  out.Set("neon", f.neon);
  out.Set("dotprod", f.dotprod);
  out.Set("logicalCores", f.logical_cores);
  out.Set("physicalCores", f.physical_cores);
  return out;
}

Napi::Value LoadModel(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) throw_arg(env, "loadModel(options): options must be an object");
  Napi::Object o = info[0].As<Napi::Object>();
  bitnet::LoadSpec spec;
  Napi::Value path = o.Get("path");
  if (!path.IsString()) throw_arg(env, "options.path must be a string");
  spec.path = path.As<Napi::String>().Utf8Value();
  spec.hparams = read_hparams(env, o.Get("hparams"));
  spec.tensors = read_tensors(env, o.Get("tensors"));
  Napi::Value threads = o.Get("threads");
  if (!threads.IsUndefined()) spec.threads = static_cast<int>(integer_arg(env, threads, "options.threads", 0, 256));
  Napi::Value head = o.Get("lmHead");
  if (!head.IsUndefined()) {
    std::string h = head.IsString() ? head.As<Napi::String>().Utf8Value() : std::string();
    if (h == "int8") spec.lm_head = bitnet::LmHead::kInt8;
    else if (h == "f16") spec.lm_head = bitnet::LmHead::kF16;
    else if (h == "q4") spec.lm_head = bitnet::LmHead::kQ4;
    else throw_arg(env, "options.lmHead must be 'int8', 'f16' or 'q4'");
  }
  Napi::Value kv = o.Get("kvCache");
  if (!kv.IsUndefined()) {
    std::string c = kv.IsString() ? kv.As<Napi::String>().Utf8Value() : "";
    if (c == "f16") spec.kv_cache = bitnet::KvCache::kF16;
    else if (c == "i8") spec.kv_cache = bitnet::KvCache::kI8;
    else throw_arg(env, "options.kvCache must be 'f16' or 'i8'");
  }
  Napi::Value huge = o.Get("hugePages");
  if (!huge.IsUndefined()) {
    if (!huge.IsBoolean()) throw_arg(env, "options.hugePages must be a boolean");
    spec.huge_pages = huge.As<Napi::Boolean>().Value();
  }
  Napi::Value kernels = o.Get("kernels");
  if (!kernels.IsUndefined()) {
    if (!kernels.IsString()) throw_arg(env, "options.kernels must be a string");
    spec.kernels = kernels.As<Napi::String>().Utf8Value();
  }
  std::unique_ptr<bitnet::Model> model = guarded(env, [&] { return bitnet::Model::load(spec); });
  Napi::External<bitnet::Model> ext = Napi::External<bitnet::Model>::New(env, model.get());
  Napi::Object obj = env.GetInstanceData<AddonData>()->model_ctor.New({ext});
  model.release();  // owned by the wrapper now
  return obj;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  data->model_ctor = Napi::Persistent(ModelWrap::Define(env));
  data->context_ctor = Napi::Persistent(ContextWrap::Define(env));
  env.SetInstanceData(data);
  exports.Set("version", Napi::Function::New(env, Version, "version"));
  exports.Set("cpuFeatures", Napi::Function::New(env, CpuFeatures, "cpuFeatures"));
  exports.Set("loadModel", Napi::Function::New(env, LoadModel, "loadModel"));
  return exports;
}

}  // namespace

NODE_API_MODULE(bitnet, Init)
