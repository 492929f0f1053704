# The addon is built from every .cc under native/src. Kernels that need a
# newer instruction set live in their own folder and are compiled with that
# folder's flags only, so the binary still loads on any CPU of its
# architecture; the code picks a kernel at run time from the CPU's features.
# A folder's flags come from native/isa-flags.json, which the native test and
# Windows Makefiles read too.
{
  "variables": {
    "isa_flags": "node native/isa-flags.js",
    "list": "node -e \"const fs=require('fs'),p=require('path');const d=process.argv[1];console.log(fs.readdirSync(d).filter(f=>f.endsWith('.cc')).map(f=>p.join(d,f)).join(' '))\""
  },
  "target_defaults": {
    # -ffp-contract=off: no silent a*b+c fusing, so every compiler and ISA
    # rounds like the scalar reference (the code asks for fma where it wants one).
    "cflags_cc": ["-std=c++17", "-O3", "-fno-math-errno", "-ffp-contract=off", "-fvisibility=hidden"],
    "cflags_cc!": ["-fno-exceptions", "-std=gnu++14", "-std=gnu++17"],
    "cflags!": ["-fno-exceptions"],
    "xcode_settings": {
      "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
      "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
      "OTHER_CPLUSPLUSFLAGS": ["-O3", "-fno-math-errno", "-ffp-contract=off"]
    },
    "msvs_settings": { "VCCLCompilerTool": { "ExceptionHandling": 1, "AdditionalOptions": ["/std:c++17", "/O2"] } },
    "include_dirs": ["native/src"]
  },
  "targets": [
    {
      "target_name": "bitnet",
      "sources": [
        "<!@(<(list) native/src)",
        "<!@(<(list) native/src/engine)",
        "<!@(<(list) native/src/kernels)"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      # NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS: when VS Code terminates the
      # engine worker mid-call, an error thrown back into the dying JS thread
      # must not abort the whole extension host.
      # BITNET_LIMIT_*: the bounds on a model's hyperparameters, from
      # native/model-limits.json, which the TypeScript model check reads too.
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS",
                  "<!@(node native/limits-defines.js)"],
      "conditions": [
        ["target_arch=='x64'", { "dependencies": ["kernels_avx2", "kernels_avxvnni", "kernels_avx512", "kernels_amx"] }],
        ["target_arch=='arm64'", { "dependencies": ["kernels_neon"] }],
        ["OS=='linux'", { "libraries": ["-lpthread"] }]
      ]
    }
  ],
  "conditions": [
    ["target_arch=='x64'", {
      "targets": [
        {
          "target_name": "kernels_avx2",
          "type": "static_library",
          "sources": ["<!@(<(list) native/src/kernels/x86_avx2)"],
          "cflags": ["<!@(<(isa_flags) x86_avx2)", "-fPIC"],
          "xcode_settings": { "OTHER_CFLAGS": ["<!@(<(isa_flags) x86_avx2)"] },
          "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["<!@(<(isa_flags) x86_avx2 msvc)"] } }
        },
        {
          "target_name": "kernels_avxvnni",
          "type": "static_library",
          "sources": ["<!@(<(list) native/src/kernels/x86_avxvnni)"],
          "cflags": ["<!@(<(isa_flags) x86_avxvnni)", "-fPIC"],
          "xcode_settings": { "OTHER_CFLAGS": ["<!@(<(isa_flags) x86_avxvnni)"] },
          "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["<!@(<(isa_flags) x86_avxvnni msvc)"] } }
        },
        {
          "target_name": "kernels_avx512",
          "type": "static_library",
          "sources": ["<!@(<(list) native/src/kernels/x86_avx512)"],
          "cflags": ["<!@(<(isa_flags) x86_avx512)", "-fPIC"],
          "xcode_settings": { "OTHER_CFLAGS": ["<!@(<(isa_flags) x86_avx512)"] },
          "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["<!@(<(isa_flags) x86_avx512 msvc)"] } }
        },
        {
          "target_name": "kernels_amx",
          "type": "static_library",
          "sources": ["<!@(<(list) native/src/kernels/x86_amx)"],
          "cflags": ["<!@(<(isa_flags) x86_amx)", "-fPIC"],
          "xcode_settings": { "OTHER_CFLAGS": ["<!@(<(isa_flags) x86_amx)"] },
          "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["<!@(<(isa_flags) x86_amx msvc)"] } }
        }
      ]
    }],
    ["target_arch=='arm64'", {
      "targets": [
        {
          "target_name": "kernels_neon",
          "type": "static_library",
          "sources": ["<!@(<(list) native/src/kernels/arm_neon)"],
          "cflags": ["<!@(<(isa_flags) arm_neon)", "-fPIC"],
          "xcode_settings": { "OTHER_CFLAGS": ["<!@(<(isa_flags) arm_neon)"] }
        }
      ]
    }]
  ]
}
