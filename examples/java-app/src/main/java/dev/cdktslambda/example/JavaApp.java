package dev.cdktslambda.example;

import java.nio.file.Path;
import java.util.List;

import dev.cdktslambda.HttpApiFunction;
import dev.cdktslambda.OidcAuthorizer;
import dev.cdktslambda.SqsConsumer;
import dev.cdktslambda.TypeScriptFunction;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;

/**
 * A CDK app in Java that uses cdk-ts-lambda: a plain TypeScriptFunction, an
 * HttpApiFunction behind an OidcAuthorizer and an SqsConsumer, with the same
 * TypeScript handlers as the Python example (../python-app/handlers), bundled
 * at synth time by the esbuild-wasm that ships inside the package.
 */
public final class JavaApp {
    /** A placeholder issuer's public key (JWKS): replace it, and the issuer, with your identity provider's. */
    private static final String JWKS = "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\","
        + "\"x\":\"G59rkvMEIDPrFhi7xJP_H-bK3Iuk79dMQCQ9wGTHTDQ\",\"y\":\"N3QYP4ntHmFxzZLUCakH_JDn1Xs8mSBG-cp-ZT9vkQA\","
        + "\"kid\":\"example-placeholder\",\"alg\":\"ES256\",\"use\":\"sig\"}]}";

    private JavaApp() {
    }

    public static void main(final String[] args) {
        // the Python example's handlers, shared (-Dhandlers=DIR to use others)
        String handlers = System.getProperty("handlers", Path.of("..", "python-app", "handlers").toAbsolutePath().normalize().toString());
        String outdir = System.getenv().getOrDefault("CDK_OUTDIR", "cdk.out");
        software.amazon.awscdk.App app = new software.amazon.awscdk.App(AppProps.builder().outdir(outdir).build());
        Stack stack = new Stack(app, "JavaApp", StackProps.builder().description("cdk-ts-lambda from Java").build());

        TypeScriptFunction.Builder.create(stack, "Hello")
            .entry(handlers + "/hello.ts")
            .description("Greets whoever calls it")
            .build();

        OidcAuthorizer auth = OidcAuthorizer.Builder.create(stack, "ApiAuth")
            .issuer("https://example.com/")
            .audiences(List.of("java-app"))
            .requiredScopes(List.of("orders:read"))
            .jwks(JWKS)
            .build();
        HttpApiFunction.Builder.create(stack, "Api")
            .entry(handlers + "/api.ts")
            .routes(List.of("GET /", "GET /orders"))
            .publicRoutes(List.of("GET /"))
            .authorizer(auth.getHttpAuthorizer())
            .build();

        SqsConsumer.Builder.create(stack, "Orders")
            .entry(handlers + "/orders.ts")
            .batchSize(10)
            .build();

        app.synth();
    }
}
