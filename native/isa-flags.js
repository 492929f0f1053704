// Prints the compiler flags of one kernels/ folder from isa-flags.json, for
// binding.gyp and the Makefiles of native/test and native/win32, so every
// build compiles a folder's kernels for the same instruction set.
//   node native/isa-flags.js <folder> [gcc|msvc]     e.g. x86_avx512 (gcc: GCC and Clang)
const flags = require('./isa-flags.json');
const [folder, compiler = 'gcc'] = process.argv.slice(2);
const list = flags[folder]?.[compiler];
if (!list) {
  console.error(`isa-flags.js: no ${compiler} flags for kernels/${folder} in isa-flags.json`);
  process.exit(1);
}
console.log(list.join(' '));
