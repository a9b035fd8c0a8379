import{createRequire as __cdkTsLambdaCreateRequire}from'node:module';const require=__cdkTsLambdaCreateRequire(import.meta.url);
var s=async e=>({message:`Hello, ${e.name??"world"}!`});export{s as handler};
//# sourceMappingURL=index.mjs.map
