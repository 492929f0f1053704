// Prints the bounds on a model's hyperparameters from model-limits.json as C++
// defines (BITNET_LIMIT_<name>=<min>,<max>), for binding.gyp and
// native/test/Makefile. The TypeScript model check imports the same file, so
// both sides accept exactly the same models. Each bound is [min, max] for the
// integers, (min, max] for ropeFreqBase.
const limits = require('./model-limits.json');
const defines = Object.entries(limits).map(([name, [min, max]]) => `BITNET_LIMIT_${name}=${min},${max}`);
console.log(defines.join(' '));
