import{createRequire as __cdkTsLambdaCreateRequire}from'node:module';const require=__cdkTsLambdaCreateRequire(import.meta.url);
var a=async t=>({statusCode:200,headers:{"content-type":"application/json"},body:JSON.stringify({principalId:t.requestContext.authorizer?.lambda?.principalId??null})});export{a as handler};
