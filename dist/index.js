import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
var __webpack_exports__ = {};

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
;// CONCATENATED MODULE: external "node:url"
const external_node_url_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");
;// CONCATENATED MODULE: ./src/paths.ts



/**
 * The built-in `rules/` folder, found relative to this module (the bundle in `dist/` or the source in
 * `src/`), never relative to the working directory, which is the user's repository.
 */
function builtinRulesDir() {
    let dir = (0,external_node_path_namespaceObject.dirname)((0,external_node_url_namespaceObject.fileURLToPath)(import.meta.url));
    for (let i = 0; i < 5; i++) {
        const candidate = (0,external_node_path_namespaceObject.join)(dir, 'rules');
        if ((0,external_node_fs_namespaceObject.existsSync)((0,external_node_path_namespaceObject.join)(candidate, 'catalog')))
            return candidate;
        dir = (0,external_node_path_namespaceObject.dirname)(dir);
    }
    throw new Error(`built-in rules/ folder not found above ${(0,external_node_url_namespaceObject.fileURLToPath)(import.meta.url)}`);
}

;// CONCATENATED MODULE: ./src/cli/index.ts

console.log(builtinRulesDir());

;// CONCATENATED MODULE: ./src/index.ts


