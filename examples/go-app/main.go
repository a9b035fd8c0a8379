// A CDK app in Go that uses the Go package of cdk-ts-lambda: a plain
// TypeScriptFunction, an HttpApiFunction behind an OidcAuthorizer and an
// SqsConsumer, with the Python example's TypeScript handlers
// (../python-app/handlers), bundled at synth time by the esbuild-wasm that
// ships inside the package. See README.md for what go.mod replaces and why.
package main

import (
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk-ts-lambda/cdk-ts-lambda-go/cdktslambda"
)

// A placeholder issuer's public key (JWKS): replace it, and the issuer, with
// your identity provider's.
const jwks = `{"keys":[{"kty":"EC","crv":"P-256","x":"G59rkvMEIDPrFhi7xJP_H-bK3Iuk79dMQCQ9wGTHTDQ","y":"N3QYP4ntHmFxzZLUCakH_JDn1Xs8mSBG-cp-ZT9vkQA","kid":"example-placeholder","alg":"ES256","use":"sig"}]}`

func main() {
	defer jsii.Close()
	handlers := os.Getenv("HANDLERS")
	if handlers == "" {
		handlers = filepath.Join("..", "python-app", "handlers")
	}
	handlers, _ = filepath.Abs(handlers)
	outdir := os.Getenv("CDK_OUTDIR")
	if outdir == "" {
		outdir = "cdk.out"
	}
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(outdir)})
	stack := awscdk.NewStack(app, jsii.String("GoApp"), &awscdk.StackProps{Description: jsii.String("cdk-ts-lambda from Go")})

	cdktslambda.NewTypeScriptFunction(stack, jsii.String("Hello"), &cdktslambda.TypeScriptFunctionProps{
		Entry:       jsii.String(filepath.Join(handlers, "hello.ts")),
		Description: jsii.String("Greets whoever calls it"),
	})

	auth := cdktslambda.NewOidcAuthorizer(stack, jsii.String("ApiAuth"), &cdktslambda.OidcAuthorizerProps{
		Issuer:         jsii.String("https://example.com/"),
		Audiences:      jsii.Strings("go-app"),
		RequiredScopes: jsii.Strings("orders:read"),
		Jwks:           jsii.String(jwks),
	})
	cdktslambda.NewHttpApiFunction(stack, jsii.String("Api"), &cdktslambda.HttpApiFunctionProps{
		Entry:        jsii.String(filepath.Join(handlers, "api.ts")),
		Routes:       jsii.Strings("GET /", "GET /orders"),
		PublicRoutes: jsii.Strings("GET /"),
		Authorizer:   auth.HttpAuthorizer(),
	})

	cdktslambda.NewSqsConsumer(stack, jsii.String("Orders"), &cdktslambda.SqsConsumerProps{
		Entry:     jsii.String(filepath.Join(handlers, "orders.ts")),
		BatchSize: jsii.Number(10),
	})

	app.Synth(nil)
}
