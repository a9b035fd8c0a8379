import { join } from 'node:path';
import { App, Aspects, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ConfluentSchemaRegistry, GlueSchemaRegistry, KafkaDlq, S3OnFailureDestination, SnsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as msk from 'aws-cdk-lib/aws-msk';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks, NagSuppressions } from 'cdk-nag';
import { KafkaAuth, KafkaConsumer, KafkaConsumerProps, KafkaSource, OutputFormat } from '../../src';
import { isolateBundleCache, loadEvent } from '../helpers/fixtures';
import { runBundle } from '../helpers/run-bundle';

isolateBundleCache();
const ENTRY = join(__dirname, '..', '..', 'examples', 'app', 'handlers', 'kafka-orders.ts');
const CLUSTER_ARN = 'arn:aws:kafka:us-east-1:123456789012:cluster/sales/abcd1234-abcd-cafe-abab-9876543210ab-4';
/**
 * Powertools' kafka utility imports its Avro and Protobuf decoders (avro-js,
 * protobufjs: not installed here) with a dynamic import() that the JSON
 * example never reaches. Left external, an ESM bundle would hoist them to
 * static imports and fail to load; a CommonJS bundle keeps them lazy requires.
 */
const BUNDLING = { format: OutputFormat.CJS, externalModules: ['avro-js', 'protobufjs'] };
const ENI_ACTIONS = ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcs', 'ec2:DeleteNetworkInterface', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups'];

type Build = (stack: Stack) => Partial<KafkaConsumerProps>;

function stackWith(build: Build): { stack: Stack; consumer: KafkaConsumer } {
  const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  const consumer = new KafkaConsumer(stack, 'Orders', {
    entry: ENTRY,
    bundling: BUNDLING,
    topic: 'orders',
    source: KafkaSource.msk({ clusterArn: CLUSTER_ARN, auth: KafkaAuth.iam() }),
    ...build(stack),
  });
  return { stack, consumer };
}

/** The statements of the policy the consumer attaches for its source. */
function sourceStatements(t: Template): any[] {
  const policies = t.findResources('AWS::IAM::Policy');
  const id = Object.keys(policies).find((k) => k.startsWith('OrdersSourcePolicy'))!;
  return policies[id].Properties.PolicyDocument.Statement;
}

function logicalId(t: Template, type: string, prefix: string): string {
  const ids = Object.keys(t.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0];
}

const scramSecret = (s: Stack) => new secretsmanager.Secret(s, 'AmazonMSK_orders', { secretName: 'AmazonMSK_orders' });
const vpcOf = (s: Stack) => new ec2.Vpc(s, 'Vpc', { maxAzs: 2, natGateways: 1, restrictDefaultSecurityGroup: false });

describe('MSK with IAM access control', () => {
  const { stack, consumer } = stackWith(() => ({}));
  const t = Template.fromStack(stack);

  test('snapshot', () => {
    expect(t.toJSON()).toMatchSnapshot();
  });

  test('IAM: cluster, topic and group ARNs derived from the cluster ARN; bootstrap brokers; network interfaces', () => {
    expect(sourceStatements(t)).toEqual([
      { Action: ['kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers'], Effect: 'Allow', Resource: CLUSTER_ARN },
      { Action: ENI_ACTIONS, Effect: 'Allow', Resource: '*' },
      { Action: ['kafka-cluster:Connect', 'kafka-cluster:DescribeClusterDynamicConfiguration'], Effect: 'Allow', Resource: CLUSTER_ARN },
      { Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'], Effect: 'Allow', Resource: 'arn:aws:kafka:us-east-1:123456789012:topic/sales/abcd1234-abcd-cafe-abab-9876543210ab-4/orders' },
      { Action: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'], Effect: 'Allow', Resource: `arn:aws:kafka:us-east-1:123456789012:group/sales/abcd1234-abcd-cafe-abab-9876543210ab-4/${consumer.consumerGroupId}` },
    ]);
  });

  test('no AWS managed MSK policy (the broad AWSLambdaMSKExecutionRole) is attached', () => {
    expect(JSON.stringify(t.toJSON())).not.toContain('AWSLambdaMSKExecutionRole');
  });

  test('mapping: cluster, topic, consumer group, TRIM_HORIZON, the created DLQ as on-failure destination, no partial responses in on-demand mode', () => {
    const dlq = logicalId(t, 'AWS::SQS::Queue', 'OrdersDeadLetterQueue');
    expect(consumer.consumerGroupId).toMatch(/^TestOrders[0-9A-F]{8}$/);
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: CLUSTER_ARN,
      Topics: ['orders'],
      StartingPosition: 'TRIM_HORIZON',
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: consumer.consumerGroupId },
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlq, 'Arn'] } } },
      SourceAccessConfigurations: Match.absent(),
      FunctionResponseTypes: Match.absent(),
      ProvisionedPollerConfig: Match.absent(),
    });
  });

  test('the mapping waits for the source policy', () => {
    const mapping = logicalId(t, 'AWS::Lambda::EventSourceMapping', 'OrdersEventSource');
    const policy = logicalId(t, 'AWS::IAM::Policy', 'OrdersSourcePolicy');
    expect(t.toJSON().Resources[mapping].DependsOn).toContain(policy);
  });

  test('the DLQ: SSE, TLS only, 14 days; the function may send to it; an alarm watches it', () => {
    const dlq = logicalId(t, 'AWS::SQS::Queue', 'OrdersDeadLetterQueue');
    expect(t.toJSON().Resources[dlq].Properties).toEqual({ MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true });
    t.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], Resource: { 'Fn::GetAtt': [dlq, 'Arn'] } })]) },
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }],
      Threshold: 1,
    });
  });
});

describe('MSK with SASL/SCRAM', () => {
  const { stack } = stackWith((s) => ({ source: KafkaSource.msk({ clusterArn: CLUSTER_ARN, auth: KafkaAuth.saslScram512(scramSecret(s)) }) }));
  const t = Template.fromStack(stack);

  test('snapshot', () => {
    expect(t.toJSON()).toMatchSnapshot();
  });

  test('IAM: the secret, the cluster, network interfaces; no kafka-cluster actions', () => {
    const secret = logicalId(t, 'AWS::SecretsManager::Secret', 'AmazonMSKorders');
    expect(sourceStatements(t)).toEqual([
      { Action: ['kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers'], Effect: 'Allow', Resource: CLUSTER_ARN },
      { Action: ENI_ACTIONS, Effect: 'Allow', Resource: '*' },
      { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: { Ref: secret } },
    ]);
  });

  test('mapping: SASL_SCRAM_512_AUTH with the secret', () => {
    const secret = logicalId(t, 'AWS::SecretsManager::Secret', 'AmazonMSKorders');
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      SourceAccessConfigurations: [{ Type: 'SASL_SCRAM_512_AUTH', URI: { Ref: secret } }],
    });
  });
});

describe('self-managed with SASL/SCRAM in a VPC', () => {
  const { stack } = stackWith((s) => {
    const vpc = vpcOf(s);
    const key = new kms.Key(s, 'SecretKey', { enableKeyRotation: true });
    return {
      batchSize: 500,
      maxBatchingWindow: Duration.seconds(10),
      source: KafkaSource.selfManaged({
        bootstrapServers: ['b-1.kafka.internal:9096', 'b-2.kafka.internal:9096'],
        auth: KafkaAuth.saslScram256(new secretsmanager.Secret(s, 'Credentials', { encryptionKey: key })),
        vpc,
        securityGroup: new ec2.SecurityGroup(s, 'KafkaClients', { vpc }),
      }),
    };
  });
  const t = Template.fromStack(stack);

  test('snapshot', () => {
    expect(t.toJSON()).toMatchSnapshot();
  });

  test('IAM: the secret, decrypt through Secrets Manager with its customer key, network interfaces', () => {
    const secret = logicalId(t, 'AWS::SecretsManager::Secret', 'Credentials');
    const key = logicalId(t, 'AWS::KMS::Key', 'SecretKey');
    expect(sourceStatements(t)).toEqual([
      { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: { Ref: secret } },
      { Action: 'kms:Decrypt', Effect: 'Allow', Resource: { 'Fn::GetAtt': [key, 'Arn'] }, Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } } },
      { Action: ENI_ACTIONS, Effect: 'Allow', Resource: '*' },
    ]);
  });

  test('mapping: brokers, SASL_SCRAM_256_AUTH, the security group and the private subnets, batch size and window', () => {
    const secret = logicalId(t, 'AWS::SecretsManager::Secret', 'Credentials');
    const sg = logicalId(t, 'AWS::EC2::SecurityGroup', 'KafkaClients');
    const privateSubnets = Object.keys(t.findResources('AWS::EC2::Subnet')).filter((id) => id.includes('Private')).sort();
    expect(privateSubnets).toHaveLength(2);
    const mapping = Object.values(t.findResources('AWS::Lambda::EventSourceMapping'))[0].Properties;
    expect(mapping.SelfManagedEventSource).toEqual({ Endpoints: { KafkaBootstrapServers: ['b-1.kafka.internal:9096', 'b-2.kafka.internal:9096'] } });
    expect(mapping.SourceAccessConfigurations).toEqual([
      { Type: 'SASL_SCRAM_256_AUTH', URI: { Ref: secret } },
      { Type: 'VPC_SECURITY_GROUP', URI: { 'Fn::GetAtt': [sg, 'GroupId'] } },
      ...privateSubnets.map((id) => ({ Type: 'VPC_SUBNET', URI: { Ref: id } })),
    ]);
    expect(mapping.BatchSize).toBe(500);
    expect(mapping.MaximumBatchingWindowInSeconds).toBe(10);
    expect(mapping.SelfManagedKafkaEventSourceConfig).toEqual({ ConsumerGroupId: expect.stringMatching(/^TestOrders/) });
  });
});

describe('self-managed with mTLS and a private root CA', () => {
  const { stack } = stackWith((s) => ({
    provisionedPollers: { minimumPollers: 1, maximumPollers: 3 },
    maxRetryAttempts: 5,
    bisectBatchOnError: true,
    maxRecordAge: Duration.hours(1),
    source: KafkaSource.selfManaged({
      bootstrapServers: ['kafka.example.com:9094'],
      auth: KafkaAuth.mtls(secretsmanager.Secret.fromSecretNameV2(s, 'ClientCert', 'kafka/client-cert'), kms.Key.fromKeyArn(s, 'CertKey', 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab')),
      rootCaCertificate: new secretsmanager.Secret(s, 'RootCa'),
    }),
  }));
  const t = Template.fromStack(stack);

  test('snapshot', () => {
    expect(t.toJSON()).toMatchSnapshot();
  });

  test('IAM: the client certificate (partial ARN), its key, the root CA; no network interfaces without a VPC', () => {
    const rootCa = logicalId(t, 'AWS::SecretsManager::Secret', 'RootCa');
    expect(sourceStatements(t)).toEqual([
      {
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:us-east-1:123456789012:secret:kafka/client-cert-??????']] },
      },
      { Action: 'kms:Decrypt', Effect: 'Allow', Resource: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab', Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } } },
      { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: { Ref: rootCa } },
    ]);
  });

  test('mapping: mTLS, root CA, provisioned pollers, error-handling controls, partial batch responses on', () => {
    const rootCa = logicalId(t, 'AWS::SecretsManager::Secret', 'RootCa');
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      SourceAccessConfigurations: [
        { Type: 'CLIENT_CERTIFICATE_TLS_AUTH', URI: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:us-east-1:123456789012:secret:kafka/client-cert']] } },
        { Type: 'SERVER_ROOT_CA_CERTIFICATE', URI: { Ref: rootCa } },
      ],
      ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 3 },
      MaximumRetryAttempts: 5,
      BisectBatchOnFunctionError: true,
      MaximumRecordAgeInSeconds: 3600,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });
});

describe('more configurations', () => {
  test('a token cluster ARN: topic and group ARNs with Fn::Split/Select', () => {
    const { stack, consumer } = stackWith((s) => {
      const cluster = new msk.CfnServerlessCluster(s, 'Cluster', {
        clusterName: 'sales',
        clientAuthentication: { sasl: { iam: { enabled: true } } },
        vpcConfigs: [{ subnetIds: ['subnet-1', 'subnet-2'] }],
      });
      return { source: KafkaSource.msk({ clusterArn: cluster.attrArn, auth: KafkaAuth.iam() }) };
    });
    const t = Template.fromStack(stack);
    const cluster = logicalId(t, 'AWS::MSK::ServerlessCluster', 'Cluster');
    const fields = { 'Fn::Split': [':', { 'Fn::GetAtt': [cluster, 'Arn'] }] };
    const path = { 'Fn::Split': ['/', { 'Fn::Select': [5, fields] }] };
    const prefix = ['arn:', { 'Fn::Select': [1, fields] }, ':kafka:', { 'Fn::Select': [3, fields] }, ':', { 'Fn::Select': [4, fields] }];
    const statements = sourceStatements(t);
    expect(statements[3]).toEqual({
      Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', [...prefix, ':topic/', { 'Fn::Select': [1, path] }, '/', { 'Fn::Select': [2, path] }, '/orders']] },
    });
    expect(statements[4].Resource).toEqual({ 'Fn::Join': ['', [...prefix, ':group/', { 'Fn::Select': [1, path] }, '/', { 'Fn::Select': [2, path] }, `/${consumer.consumerGroupId}`]] });
  });

  test('a Kafka topic as on-failure destination: IAM may write to it, no DLQ is created', () => {
    const { stack, consumer } = stackWith(() => ({ provisionedPollers: { minimumPollers: 1, maximumPollers: 2 }, failureDestination: new KafkaDlq('orders-dlq'), consumerGroupId: 'orders-service' }));
    const t = Template.fromStack(stack);
    expect(consumer.deadLetterQueue).toBeUndefined();
    t.resourceCountIs('AWS::SQS::Queue', 0);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', { DestinationConfig: { OnFailure: { Destination: 'kafka://orders-dlq' } } });
    expect(sourceStatements(t)).toContainEqual({
      Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
      Effect: 'Allow',
      Resource: 'arn:aws:kafka:us-east-1:123456789012:topic/sales/abcd1234-abcd-cafe-abab-9876543210ab-4/orders-dlq',
    });
    expect(sourceStatements(t)).toContainEqual(expect.objectContaining({ Resource: 'arn:aws:kafka:us-east-1:123456789012:group/sales/abcd1234-abcd-cafe-abab-9876543210ab-4/orders-service' }));
  });

  test('an SNS topic or an S3 bucket as on-failure destination', () => {
    const withSns = Template.fromStack(stackWith((s) => ({ failureDestination: new SnsDlq(new sns.Topic(s, 'Failures')) })).stack);
    const topic = logicalId(withSns, 'AWS::SNS::Topic', 'Failures');
    withSns.hasResourceProperties('AWS::Lambda::EventSourceMapping', { DestinationConfig: { OnFailure: { Destination: { Ref: topic } } } });
    withSns.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'sns:Publish', Resource: { Ref: topic } })]) } });

    const withS3 = Template.fromStack(stackWith((s) => ({ failureDestination: new S3OnFailureDestination(new s3.Bucket(s, 'Failed')) })).stack);
    const bucket = logicalId(withS3, 'AWS::S3::Bucket', 'Failed');
    withS3.hasResourceProperties('AWS::Lambda::EventSourceMapping', { DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [bucket, 'Arn'] } } } });
  });

  test('a Glue schema registry (provisioned mode) binds its config and grants', () => {
    const t = Template.fromStack(stackWith(() => ({
      provisionedPollers: { minimumPollers: 1, maximumPollers: 2 },
      schemaRegistry: new GlueSchemaRegistry({ schemaRegistryArn: 'arn:aws:glue:us-east-1:123456789012:registry/orders', eventRecordFormat: lambda.EventRecordFormat.JSON, schemaValidationConfigs: [{ attribute: lambda.KafkaSchemaValidationAttribute.VALUE }] }),
    })).stack);
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      AmazonManagedKafkaEventSourceConfig: { SchemaRegistryConfig: { SchemaRegistryURI: 'arn:aws:glue:us-east-1:123456789012:registry/orders', EventRecordFormat: 'JSON' } },
    });
  });

  test('a Confluent schema registry (provisioned mode) binds its config; its secret is readable', () => {
    const { stack } = stackWith((s) => ({
      provisionedPollers: { minimumPollers: 1, maximumPollers: 2 },
      schemaRegistry: new ConfluentSchemaRegistry({
        schemaRegistryUri: 'https://registry.example.com',
        authenticationType: lambda.KafkaSchemaRegistryAccessConfigType.BASIC_AUTH,
        secret: new secretsmanager.Secret(s, 'RegistryCredentials'),
        eventRecordFormat: lambda.EventRecordFormat.SOURCE,
        schemaValidationConfigs: [{ attribute: lambda.KafkaSchemaValidationAttribute.VALUE }],
      }),
    }));
    const t = Template.fromStack(stack);
    const secret = logicalId(t, 'AWS::SecretsManager::Secret', 'RegistryCredentials');
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      AmazonManagedKafkaEventSourceConfig: {
        SchemaRegistryConfig: {
          SchemaRegistryURI: 'https://registry.example.com',
          EventRecordFormat: 'SOURCE',
          AccessConfigs: [{ Type: 'BASIC_AUTH', URI: { Ref: secret } }],
          SchemaValidationConfigs: [{ Attribute: 'VALUE' }],
        },
      },
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: { Ref: secret } })]) },
    });
  });

  test('AT_TIMESTAMP with a timestamp, filters, a consumer group id, reportBatchItemFailures off in provisioned mode', () => {
    const t = Template.fromStack(stackWith(() => ({
      startingPosition: lambda.StartingPosition.AT_TIMESTAMP,
      startingPositionTimestamp: 1700000000,
      filters: [lambda.FilterCriteria.filter({ value: { type: lambda.FilterRule.isEqual('order') } })],
      consumerGroupId: 'orders-service',
      provisionedPollers: { minimumPollers: 2, maximumPollers: 2 },
      reportBatchItemFailures: false,
    })).stack);
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      StartingPosition: 'AT_TIMESTAMP',
      StartingPositionTimestamp: 1700000000,
      FilterCriteria: { Filters: [{ Pattern: '{"value":{"type":["order"]}}' }] },
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'orders-service' },
      FunctionResponseTypes: Match.absent(),
    });
  });

  test('the function\'s own async-invocation props (retryAttempts) still reach the function, not the mapping', () => {
    const t = Template.fromStack(stackWith(() => ({ retryAttempts: 0 })).stack);
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0 });
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', { MaximumRetryAttempts: Match.absent() });
  });

  test('createDlqAlarm: false; a KMS key for the DLQ', () => {
    const { stack, consumer } = stackWith((s) => ({ createDlqAlarm: false, deadLetterQueueEncryptionKey: new kms.Key(s, 'DlqKey', { enableKeyRotation: true }) }));
    const t = Template.fromStack(stack);
    expect(consumer.dlqAlarm).toBeUndefined();
    t.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    t.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [logicalId(t, 'AWS::KMS::Key', 'DlqKey'), 'Arn'] } });
  });
});

describe('validation', () => {
  const pollers = { provisionedPollers: { minimumPollers: 1, maximumPollers: 2 } };
  const cases: Array<[string, Build, RegExp]> = [
    ['an empty topic', () => ({ topic: '' }), /Test\/Orders: topic is required/],
    ['a bad topic name', () => ({ topic: 'orders/eu' }), /topic 'orders\/eu' is not a Kafka topic name/],
    ['a consumer group id outside the service pattern', () => ({ consumerGroupId: 'orders group' }), /consumerGroupId 'orders group' must be 1 to 200 characters of \[a-zA-Z0-9-\/\*:_\+=\.@\]/],
    ['a consumer group id too long', () => ({ consumerGroupId: 'g'.repeat(201) }), /consumerGroupId '.*' must be 1 to 200 characters/],
    ['AT_TIMESTAMP without a timestamp', () => ({ startingPosition: lambda.StartingPosition.AT_TIMESTAMP }), /startingPositionTimestamp is required with startingPosition AT_TIMESTAMP/],
    ['a timestamp without AT_TIMESTAMP', () => ({ startingPositionTimestamp: 1700000000 }), /startingPositionTimestamp only applies with startingPosition AT_TIMESTAMP, not TRIM_HORIZON/],
    ['batchSize 0', () => ({ batchSize: 0 }), /batchSize must be an integer from 1 to 10000, got 0/],
    ['batchSize 10001', () => ({ batchSize: 10001 }), /batchSize must be an integer from 1 to 10000, got 10001/],
    ['a window above 300 s', () => ({ maxBatchingWindow: Duration.seconds(301) }), /maxBatchingWindow must be from 0 seconds to 5 minutes/],
    ['minimumPollers 0', () => ({ provisionedPollers: { minimumPollers: 0, maximumPollers: 2 } }), /provisionedPollers.minimumPollers must be an integer from 1 to 200, got 0/],
    ['maximumPollers 2001', () => ({ provisionedPollers: { minimumPollers: 1, maximumPollers: 2001 } }), /provisionedPollers.maximumPollers must be an integer from 1 to 2000, got 2001/],
    ['minimumPollers above maximumPollers', () => ({ provisionedPollers: { minimumPollers: 5, maximumPollers: 2 } }), /provisionedPollers.minimumPollers \(5\) must not exceed provisionedPollers.maximumPollers \(2\)/],
    ['bisect without provisioned mode', () => ({ bisectBatchOnError: true }), /bisectBatchOnError needs provisioned mode: set provisionedPollers/],
    ['maxRetryAttempts without provisioned mode', () => ({ maxRetryAttempts: 3 }), /maxRetryAttempts needs provisioned mode/],
    ['maxRecordAge without provisioned mode', () => ({ maxRecordAge: Duration.hours(1) }), /maxRecordAge needs provisioned mode/],
    ['reportBatchItemFailures without provisioned mode', () => ({ reportBatchItemFailures: true }), /reportBatchItemFailures needs provisioned mode/],
    ['a schema registry without provisioned mode', () => ({ schemaRegistry: new GlueSchemaRegistry({ schemaRegistryArn: 'arn:aws:glue:us-east-1:123456789012:registry/r', eventRecordFormat: lambda.EventRecordFormat.JSON, schemaValidationConfigs: [{ attribute: lambda.KafkaSchemaValidationAttribute.VALUE }] }) }), /schemaRegistry needs provisioned mode/],
    ['a Kafka topic destination without provisioned mode', () => ({ failureDestination: new KafkaDlq('dlq') }), /failureDestination \(a Kafka topic\) needs provisioned mode/],
    ['maxRetryAttempts -2', () => ({ ...pollers, maxRetryAttempts: -2 }), /maxRetryAttempts must be an integer from 0 to 10000 \(or -1 for no limit\), got -2/],
    ['maxRecordAge 30 s', () => ({ ...pollers, maxRecordAge: Duration.seconds(30) }), /maxRecordAge must be from 1 minute to 7 days/],
    ['a DLQ key with failureDestination', (s) => ({ failureDestination: new SnsDlq(new sns.Topic(s, 'T')), deadLetterQueueEncryptionKey: new kms.Key(s, 'K') }), /deadLetterQueueEncryptionKey only applies to the dead-letter queue the consumer creates/],
    ['createDlqAlarm with failureDestination', (s) => ({ failureDestination: new SnsDlq(new sns.Topic(s, 'T')), createDlqAlarm: true }), /createDlqAlarm only applies to the dead-letter queue the consumer creates/],
    ['a malformed MSK cluster ARN', () => ({ source: KafkaSource.msk({ clusterArn: 'arn:aws:kafka:us-east-1:123456789012:topic/x', auth: KafkaAuth.iam() }) }), /source.clusterArn 'arn:aws:kafka:us-east-1:123456789012:topic\/x' is not an MSK cluster ARN/],
    ['SCRAM-256 on MSK', (s) => ({ source: KafkaSource.msk({ clusterArn: CLUSTER_ARN, auth: KafkaAuth.saslScram256(scramSecret(s)) }) }), /source.auth SASL_SCRAM_256 is not supported by Amazon MSK event sources/],
    ['no auth on MSK', () => ({ source: KafkaSource.msk({ clusterArn: CLUSTER_ARN, auth: KafkaAuth.none() }) }), /source.auth NONE is not supported by Amazon MSK/],
    ['IAM on a self-managed cluster', () => ({ source: KafkaSource.selfManaged({ bootstrapServers: ['k:9092'], auth: KafkaAuth.iam() }) }), /source.auth KafkaAuth.iam\(\) is for Amazon MSK only/],
    ['a self-managed source without VPC or secret', () => ({ source: KafkaSource.selfManaged({ bootstrapServers: ['k:9092'], auth: KafkaAuth.none() }) }), /source.auth KafkaAuth.none\(\) needs source.vpc/],
    ['a self-managed VPC source without security group', (s) => ({ source: KafkaSource.selfManaged({ bootstrapServers: ['k:9092'], auth: KafkaAuth.none(), vpc: vpcOf(s) }) }), /source.securityGroup is required with source.vpc/],
    ['subnets without a VPC', (s) => ({ source: KafkaSource.selfManaged({ bootstrapServers: ['k:9092'], auth: KafkaAuth.saslScram512(scramSecret(s)), vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } }) }), /source.vpcSubnets needs source.vpc/],
    ['no bootstrap servers', () => ({ source: KafkaSource.selfManaged({ bootstrapServers: [], auth: KafkaAuth.none() }) }), /source.bootstrapServers must list at least one broker/],
    ['a broker without port', (s) => ({ source: KafkaSource.selfManaged({ bootstrapServers: ['kafka.example.com'], auth: KafkaAuth.saslScram512(scramSecret(s)) }) }), /source.bootstrapServers 'kafka.example.com' is not a broker address host:port/],
  ];
  test.each(cases)('%s fails synth naming the prop', (_name, build, message) => {
    expect(() => stackWith(build)).toThrow(message);
  });
});

describe('cdk-nag AwsSolutions', () => {
  const configurations: Array<[string, Build]> = [
    ['MSK IAM', () => ({})],
    ['MSK SCRAM', (s) => ({ source: KafkaSource.msk({ clusterArn: CLUSTER_ARN, auth: KafkaAuth.saslScram512(scramSecret(s)) }) })],
    ['self-managed SCRAM in a VPC', (s) => {
      const vpc = vpcOf(s);
      return { source: KafkaSource.selfManaged({ bootstrapServers: ['k:9096'], auth: KafkaAuth.saslScram512(scramSecret(s)), vpc, securityGroup: new ec2.SecurityGroup(s, 'Sg', { vpc }) }) };
    }],
  ];
  test.each(configurations)('%s: no unsuppressed errors or warnings from the consumer', (_name, build) => {
    const { stack } = stackWith(build);
    NagSuppressions.addStackSuppressions(stack, [
      { id: 'AwsSolutions-SMG4', reason: 'Test fixture: the Kafka credentials secret is rotated by whoever owns the Kafka users, not by this stack.' },
      { id: 'AwsSolutions-VPC7', reason: 'Test fixture VPC: flow logs are the VPC owner\'s concern, not the consumer\'s.' },
    ]);
    Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true }));
    const annotations = Annotations.fromStack(stack);
    const findings = [...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')), ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))];
    expect(findings.map((f) => `${f.id}: ${f.entry.data}`)).toEqual([]);
  });
});

describe('the suppressions the consumer adds, each with its reason', () => {
  test('IAM5 on its source policy (network interfaces on "*") and SQS3 on its DLQ, nothing else', () => {
    const t = Template.fromStack(stackWith(() => ({})).stack);
    const suppressed = Object.entries(t.toJSON().Resources as Record<string, any>)
      .filter(([, r]) => r.Metadata?.cdk_nag)
      .flatMap(([id, r]) => r.Metadata.cdk_nag.rules_to_suppress.map((rule: any) => ({ id, rule })));
    expect(suppressed).toEqual([
      { id: logicalId(t, 'AWS::SQS::Queue', 'OrdersDeadLetterQueue'), rule: { id: 'AwsSolutions-SQS3', reason: expect.stringContaining('on-failure destination') } },
      { id: logicalId(t, 'AWS::IAM::Policy', 'OrdersSourcePolicy'), rule: { id: 'AwsSolutions-IAM5', reason: expect.stringContaining('network interfaces'), applies_to: ['Resource::*'] } },
    ]);
  });

  test('a self-managed source without VPC needs no "*" and so no IAM5 suppression', () => {
    const t = Template.fromStack(stackWith((s) => ({ source: KafkaSource.selfManaged({ bootstrapServers: ['k:9096'], auth: KafkaAuth.saslScram512(scramSecret(s)) }) })).stack);
    expect(sourceStatements(t).flatMap((st) => [st.Resource].flat())).not.toContain('*');
    expect(JSON.stringify(t.toJSON())).not.toContain('AwsSolutions-IAM5');
  });
});

describe('the example handler (examples/app/handlers/kafka-orders.ts) runs from its built asset', () => {
  const { consumer } = stackWith(() => ({}));
  const run = (event: unknown, env: NodeJS.ProcessEnv = {}) => runBundle(consumer.function.assetPath, 'index.js', 'handler', event, env) as any;

  test('decodes the JSON values of powertools-ts-kafka-json.json (unmodified): three orders, no failure', () => {
    expect(run(loadEvent('powertools-ts-kafka-json.json'))).toEqual({ batchItemFailures: [], processed: 3 });
  });

  // powertools-ts-kafka-json-one-bad-record.json is a copy of powertools-ts-kafka-json.json
  // whose record at offset 16 has the value "this is not an order" (see test/fixtures/events/README.md).
  test('the record that is not an order is reported in batchItemFailures, and no other record', () => {
    expect(run(loadEvent('powertools-ts-kafka-json-one-bad-record.json'))).toEqual({
      batchItemFailures: [{ itemIdentifier: { partition: 'mytopic-0', offset: 16 } }],
      processed: 2,
    });
  });

  test('in on-demand mode (FAIL_WHOLE_BATCH=true) the bad record fails the whole invocation', () => {
    expect(() => run(loadEvent('powertools-ts-kafka-json-one-bad-record.json'), { FAIL_WHOLE_BATCH: 'true' })).toThrow(/not an order: "this is not an order"/);
  });
});
