import { builtinRulesDir } from '../paths.js'
console.log(builtinRulesDir())
