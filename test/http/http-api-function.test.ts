import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer, HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { HttpApiFunction, HttpApiFunctionProps } from '../../src';
import { isolateBundleCache } from '../helpers/fixtures';

isolateBundleCache();

const ENTRY = join(__dirname, 'fixtures', 'hello-api.ts');
const ISSUER = 'https://issuer.example.com/';

function newStack(): Stack {
  return new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
}

function synth(props: Partial<HttpApiFunctionProps> = {}, stack = newStack()): { api: HttpApiFunction; stack: Stack; template: Template } {
  const api = new HttpApiFunction(stack, 'Pets', { entry: ENTRY, ...props });
  return { api, stack, template: Template.fromStack(stack) };
}

/** The CloudFormation routes of a template, as { routeKey: properties }. */
function routesOf(template: Template): { [key: string]: any } {
  const out: { [key: string]: any } = {};
  for (const r of Object.values(template.findResources('AWS::ApiGatewayV2::Route'))) out[r.Properties.RouteKey] = r.Properties;
  return out;
}

const jwt = () => new HttpJwtAuthorizer('Jwt', ISSUER, { jwtAudience: ['pets'] });

describe('HttpApiFunction defaults', () => {
  const { api, stack, template } = synth();

  test('matches the snapshot', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });

  test('the whole API goes to the function: ANY / and ANY /{proxy+}, no authorization', () => {
    expect(Object.keys(routesOf(template)).sort()).toEqual(['ANY /', 'ANY /{proxy+}']);
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 2);
    template.allResourcesProperties('AWS::ApiGatewayV2::Route', {
      AuthorizationType: 'NONE',
      Target: Match.objectLike({ 'Fn::Join': ['', ['integrations/', { Ref: Match.stringLikeRegexp('Integration') }]] }),
    });
  });

  test('a Lambda proxy integration with payload format 2.0', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Integration', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PetsFunction'), 'Arn'] },
    });
  });

  test('the $default stage, auto-deployed, throttled, with JSON access logs', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 500 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PetsAccessLogs'), 'Arn'] },
        Format: Match.anyValue(),
      },
    });
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0];
    const format = JSON.parse(stage.Properties.AccessLogSettings.Format);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      requestTime: '$context.requestTime',
      httpMethod: '$context.httpMethod',
      routeKey: '$context.routeKey',
      status: '$context.status',
      protocol: '$context.protocol',
      responseLength: '$context.responseLength',
      integrationError: '$context.integrationErrorMessage',
      principalId: '$context.authorizer.principalId',
      authorizerError: '$context.authorizer.error',
    });
    // every value is a context variable (a typo would fail the deployment)
    for (const value of Object.values(format)) expect(value).toMatch(/^\$context\.[a-zA-Z.]+$/);
  });

  test('access log group and function log group with one month of retention, retained', () => {
    template.resourceCountIs('AWS::Logs::LogGroup', 2);
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain' });
    expect(api.logGroup).toBeDefined();
  });

  test('one Lambda permission per route, scoped to this API and the route path', () => {
    template.resourceCountIs('AWS::Lambda::Permission', 2);
    const apiId = { Ref: Match.stringLikeRegexp('^PetsApi') };
    for (const suffix of ['/*/*/', '/*/*/{proxy+}']) {
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'apigateway.amazonaws.com',
        FunctionName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PetsFunction'), 'Arn'] },
        SourceArn: { 'Fn::Join': ['', Match.arrayWith([apiId, suffix])] },
      });
    }
  });

  test('the function is a TypeScriptFunction on arm64 with JSON logs; the API is named after the construct', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { Architectures: ['arm64'], LoggingConfig: { LogFormat: 'JSON' } });
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { Name: 'Pets', ProtocolType: 'HTTP' });
    expect(api.function.assetPath).toBeDefined();
    expect(api.stage.stageName).toBe('$default');
    expect(Object.keys(api.routes).sort()).toEqual(['ANY /', 'ANY /{proxy+}']);
  });

  test('least privilege: the function role may only write to the function log group, no managed policy', () => {
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] },
      ManagedPolicyArns: Match.absent(),
      Policies: [{
        PolicyName: 'WriteLogs',
        PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PetsFunctionLogGroup'), 'Arn'] } }] },
      }],
    });
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::Lambda::Function', { Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PetsFunctionServiceRole'), 'Arn'] } });
    expect(api.function.role).toBe(api.function.createdRole);
  });

  test('url is the stage URL; no output unless asked', () => {
    expect(stack.resolve(api.url)).toEqual(stack.resolve(api.stage.url));
    expect(template.findOutputs('*')).toEqual({});
  });

  test('warns that the API is open', () => {
    Annotations.fromStack(stack).hasWarning('/Test/Pets', Match.stringLikeRegexp("no authorizer.*'ANY /', 'ANY /\\{proxy\\+\\}'.*publicRoutes"));
  });

  test('no CORS configuration', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
  });
});

describe('HttpApiFunction with a JWT authorizer', () => {
  const { stack, template } = synth({
    routes: ['GET /pets', 'POST /pets', 'GET /pets/{id}', 'GET /health'],
    authorizer: jwt(),
    publicRoutes: ['GET /health'],
    authorizationScopes: ['pets/read'],
    routeScopes: { 'POST /pets': ['pets/write'] },
  });

  test('matches the snapshot', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });

  test('every route but the public one uses the JWT authorizer, with its scopes', () => {
    const routes = routesOf(template);
    expect(Object.keys(routes).sort()).toEqual(['GET /health', 'GET /pets', 'GET /pets/{id}', 'POST /pets']);
    const authorizerId = { Ref: Match.stringLikeRegexp('Jwt') };
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /pets', AuthorizationType: 'JWT', AuthorizerId: authorizerId, AuthorizationScopes: ['pets/read'] });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /pets/{id}', AuthorizationType: 'JWT', AuthorizationScopes: ['pets/read'] });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /pets', AuthorizationType: 'JWT', AuthorizationScopes: ['pets/write'] });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /health', AuthorizationType: 'NONE', AuthorizerId: Match.absent(), AuthorizationScopes: Match.absent() });
  });

  test('one JWT authorizer for the issuer and audience', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: ISSUER, Audience: ['pets'] },
      IdentitySource: ['$request.header.Authorization'],
    });
  });

  test('the public route is marked for cdk-nag with a reason; no open-API warning', () => {
    const health = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).find((r) => r.Properties.RouteKey === 'GET /health');
    expect(health?.Metadata?.cdk_nag?.rules_to_suppress).toEqual([
      { id: 'AwsSolutions-APIG4', reason: expect.stringMatching(/publicRoutes.*explicit choice/) },
    ]);
    const pets = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).find((r) => r.Properties.RouteKey === 'GET /pets');
    expect(pets?.Metadata?.cdk_nag).toBeUndefined();
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('no authorizer'));
  });
});

describe('HttpApiFunction with a Lambda authorizer', () => {
  test('routes use CUSTOM authorization; scopes are refused (a Lambda authorizer checks them itself)', () => {
    const stack = newStack();
    const authFn = new lambda.Function(stack, 'AuthFn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>({isAuthorized:false})') });
    const authorizer = new HttpLambdaAuthorizer('Lambda', authFn, { responseTypes: [HttpLambdaResponseType.SIMPLE] });
    const { template } = synth({ authorizer }, stack);
    template.allResourcesProperties('AWS::ApiGatewayV2::Route', { AuthorizationType: 'CUSTOM' });

    const other = newStack();
    const authFn2 = new lambda.Function(other, 'AuthFn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>({isAuthorized:false})') });
    expect(() => synth({ authorizer: new HttpLambdaAuthorizer('Lambda', authFn2), authorizationScopes: ['pets/read'] }, other))
      .toThrow(/Test\/Pets: authorizationScopes needs a JWT authorizer .* type is CUSTOM.*requiredScopes/);
  });
});

describe('HttpApiFunction with CORS', () => {
  const { template } = synth({
    cors: {
      allowOrigins: ['https://app.example.com'],
      allowMethods: [apigwv2.CorsHttpMethod.GET, apigwv2.CorsHttpMethod.POST],
      allowHeaders: ['authorization', 'content-type'],
      allowCredentials: true,
    },
  });

  test('matches the snapshot', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });

  test('the API has the CORS configuration', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowOrigins: ['https://app.example.com'],
        AllowMethods: ['GET', 'POST'],
        AllowHeaders: ['authorization', 'content-type'],
        AllowCredentials: true,
      },
    });
  });
});

describe('HttpApiFunction with a custom domain', () => {
  const stack = newStack();
  const certificate = acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555');
  const { api, template } = synth({ domainName: 'api.example.com', certificate, urlOutput: true, disableExecuteApiEndpoint: true }, stack);

  test('matches the snapshot', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });

  test('a regional domain name with the certificate, mapped to the $default stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'api.example.com',
      DomainNameConfigurations: [{ CertificateArn: certificate.certificateArn, EndpointType: 'REGIONAL' }],
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', {
      ApiId: { Ref: Match.stringLikeRegexp('^PetsApi') },
      DomainName: { Ref: Match.stringLikeRegexp('^PetsDomainName') },
      Stage: '$default',
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { DisableExecuteApiEndpoint: true });
    expect(api.domainName).toBeDefined();
  });

  test('url is the custom domain, and a stack output when asked', () => {
    expect(api.url).toBe('https://api.example.com/');
    template.hasOutput('*', { Value: 'https://api.example.com/' });
  });
});

describe('HttpApiFunction options', () => {
  test('specific routes, $default included, and a custom throttle', () => {
    const { template } = synth({ routes: ['GET /pets', 'POST /pets/{id}', '$default'], throttle: { rateLimit: 50, burstLimit: 20 }, publicRoutes: ['GET /pets', 'POST /pets/{id}', '$default'] });
    expect(Object.keys(routesOf(template)).sort()).toEqual(['$default', 'GET /pets', 'POST /pets/{id}']);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 20 } });
    // $default covers every path: its permission is for the whole API
    template.hasResourceProperties('AWS::Lambda::Permission', { SourceArn: { 'Fn::Join': ['', Match.arrayWith(['/*/*'])] } });
  });

  test('a throttle with one limit keeps the default of the other', () => {
    const { template } = synth({ throttle: { rateLimit: 10 } });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 500 } });
  });

  test('all routes declared public: an explicit open API, no warning', () => {
    const { stack } = synth({ publicRoutes: ['ANY /', 'ANY /{proxy+}'] });
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('accessLogs: false turns access logs off', () => {
    const { api, template } = synth({ accessLogs: false });
    expect(api.logGroup).toBeUndefined();
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { AccessLogSettings: Match.absent() });
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
  });

  test('accessLogGroup and accessLogRetention', () => {
    const stack = newStack();
    const own = new logs.LogGroup(stack, 'Own', { retention: logs.RetentionDays.ONE_YEAR });
    const { api, template } = synth({ accessLogGroup: own, accessLogRetention: logs.RetentionDays.ONE_DAY }, stack);
    expect(api.logGroup).toBe(own);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Own'), 'Arn'] } } });
    Annotations.fromStack(stack).hasWarning('/Test/Pets', Match.stringLikeRegexp('accessLogRetention is ignored'));

    const retained = synth({ accessLogRetention: logs.RetentionDays.ONE_WEEK });
    retained.template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  test('a user role is used as is', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Mine', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const { api, template } = synth({ role }, stack);
    expect(api.function.role).toBe(role);
    template.resourceCountIs('AWS::IAM::Role', 1);
    expect(api.function.createdRole).toBeUndefined();
  });

  test('a user log group for the function: the role writes to that one', () => {
    const stack = newStack();
    const own = new logs.LogGroup(stack, 'FnLogs');
    const { template } = synth({ logGroup: own }, stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      Policies: [{
        PolicyName: 'WriteLogs',
        PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FnLogs'), 'Arn'] } }] },
      }],
    });
    template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: Match.stringLikeRegexp('^FnLogs') } } });
  });

  test('function props pass through (memory, environment, apiName)', () => {
    const { template } = synth({ memorySize: 256, environment: { TABLE: 'pets' }, apiName: 'pets-api' });
    template.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 256, Environment: { Variables: { TABLE: 'pets' } } });
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { Name: 'pets-api' });
  });

  test('urlOutput adds a stack output with the stage URL', () => {
    const { template } = synth({ urlOutput: true });
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs)).toHaveLength(1);
    expect(JSON.stringify(Object.values(outputs)[0].Value)).toMatch(/execute-api/);
  });
});
