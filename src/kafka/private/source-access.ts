import { Fn, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { IConstruct } from 'constructs';
import { propError } from '../../private/errors';
import { KafkaAuthMechanism } from '../kafka-auth';
import { KafkaSource } from '../kafka-source';

/** What a Kafka source adds to the event source mapping and to the function's role. */
export interface SourceBinding {
  readonly eventSourceArn?: string;
  readonly kafkaBootstrapServers?: string[];
  readonly sourceAccessConfigurations: lambda.SourceAccessConfiguration[];
  readonly statements: iam.PolicyStatement[];
  /** The ARN of a topic of the cluster, for IAM access control (MSK IAM only). */
  readonly topicArn?: (topic: string) => string;
}

/** What the consumer reads: the topic and its consumer group. */
export interface SourceContext {
  readonly topic: string;
  readonly consumerGroupId: string;
}

/**
 * The network-interface actions Lambda needs to reach brokers in a VPC (the
 * MSK cluster's VPC, or the VPC of a self-managed source).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-msk-permissions.html
 */
export const ENI_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeVpcs',
  'ec2:DeleteNetworkInterface',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
];

const CLUSTER_ARN = /^arn:aws[a-z-]*:kafka:[a-z0-9-]+:\d{12}:cluster\/[^/]+\/[^/]+$/;
const BROKER = /^[A-Za-z0-9.-]+:\d{1,5}$/;

/** Validates a source and says what it adds to the mapping and the role. */
export function bindSource(scope: IConstruct, source: KafkaSource, ctx: SourceContext): SourceBinding {
  return source.isMsk ? bindMsk(scope, source, ctx) : bindSelfManaged(scope, source);
}

function bindMsk(scope: IConstruct, source: KafkaSource, ctx: SourceContext): SourceBinding {
  const clusterArn = source.clusterArn!;
  if (!Token.isUnresolved(clusterArn) && !CLUSTER_ARN.test(clusterArn)) {
    throw propError(scope, 'source.clusterArn', `'${clusterArn}' is not an MSK cluster ARN (arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>).`);
  }
  const { mechanism } = source.auth;
  const allowed = [KafkaAuthMechanism.IAM, KafkaAuthMechanism.SASL_SCRAM_512, KafkaAuthMechanism.MTLS];
  if (!allowed.includes(mechanism)) {
    throw propError(scope, 'source.auth', `${mechanism} is not supported by Amazon MSK event sources; use KafkaAuth.iam(), KafkaAuth.saslScram512(secret) or KafkaAuth.mtls(secret).`);
  }
  const statements = [
    new iam.PolicyStatement({ actions: ['kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers'], resources: [clusterArn] }),
    new iam.PolicyStatement({ actions: ENI_ACTIONS, resources: ['*'] }),
    ...secretStatements(source.auth.secret, source.auth.encryptionKey, scope),
  ];
  let topicArn: ((topic: string) => string) | undefined;
  if (mechanism === KafkaAuthMechanism.IAM) {
    const arns = mskResourceArns(clusterArn);
    topicArn = arns.topic;
    statements.push(
      new iam.PolicyStatement({ actions: ['kafka-cluster:Connect', 'kafka-cluster:DescribeClusterDynamicConfiguration'], resources: [clusterArn] }),
      new iam.PolicyStatement({ actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'], resources: [arns.topic(ctx.topic)] }),
      new iam.PolicyStatement({ actions: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'], resources: [arns.group(ctx.consumerGroupId)] }),
    );
  }
  const sourceAccessConfigurations: lambda.SourceAccessConfiguration[] = [];
  if (mechanism === KafkaAuthMechanism.SASL_SCRAM_512) {
    sourceAccessConfigurations.push({ type: lambda.SourceAccessConfigurationType.SASL_SCRAM_512_AUTH, uri: source.auth.secret!.secretArn });
  } else if (mechanism === KafkaAuthMechanism.MTLS) {
    sourceAccessConfigurations.push({ type: lambda.SourceAccessConfigurationType.CLIENT_CERTIFICATE_TLS_AUTH, uri: source.auth.secret!.secretArn });
  }
  return { eventSourceArn: clusterArn, sourceAccessConfigurations, statements, topicArn };
}

function bindSelfManaged(scope: IConstruct, source: KafkaSource): SourceBinding {
  const servers = source.bootstrapServers ?? [];
  if (servers.length === 0) {
    throw propError(scope, 'source.bootstrapServers', 'must list at least one broker as host:port.');
  }
  for (const server of servers) {
    if (!Token.isUnresolved(server) && !BROKER.test(server)) {
      throw propError(scope, 'source.bootstrapServers', `'${server}' is not a broker address host:port.`);
    }
  }
  const { mechanism, secret } = source.auth;
  if (mechanism === KafkaAuthMechanism.IAM) {
    throw propError(scope, 'source.auth', 'KafkaAuth.iam() is for Amazon MSK only; a self-managed cluster uses SASL/SCRAM, SASL/PLAIN or mTLS with a secret, or KafkaAuth.none() in a VPC.');
  }
  if (!source.vpc) {
    if (mechanism === KafkaAuthMechanism.NONE) {
      throw propError(scope, 'source.auth', 'KafkaAuth.none() needs source.vpc: a self-managed cluster reached over the internet needs a secret (SASL/SCRAM, SASL/PLAIN or mTLS).');
    }
    if (source.vpcSubnets) throw propError(scope, 'source.vpcSubnets', 'needs source.vpc.');
    if (source.securityGroup) throw propError(scope, 'source.securityGroup', 'needs source.vpc.');
  } else if (!source.securityGroup) {
    throw propError(scope, 'source.securityGroup', 'is required with source.vpc: it is the security group of the network interfaces Lambda creates to reach the brokers.');
  }

  const sourceAccessConfigurations: lambda.SourceAccessConfiguration[] = [];
  const authType = {
    [KafkaAuthMechanism.SASL_SCRAM_256]: lambda.SourceAccessConfigurationType.SASL_SCRAM_256_AUTH,
    [KafkaAuthMechanism.SASL_SCRAM_512]: lambda.SourceAccessConfigurationType.SASL_SCRAM_512_AUTH,
    [KafkaAuthMechanism.SASL_PLAIN]: lambda.SourceAccessConfigurationType.BASIC_AUTH,
    [KafkaAuthMechanism.MTLS]: lambda.SourceAccessConfigurationType.CLIENT_CERTIFICATE_TLS_AUTH,
  }[mechanism as string];
  if (authType && secret) sourceAccessConfigurations.push({ type: authType, uri: secret.secretArn });
  if (source.rootCaCertificate) {
    sourceAccessConfigurations.push({
      type: lambda.SourceAccessConfigurationType.SERVER_ROOT_CA_CERTIFICATE,
      uri: source.rootCaCertificate.secretArn,
    });
  }
  const statements = [
    ...secretStatements(secret, source.auth.encryptionKey, scope),
    ...secretStatements(source.rootCaCertificate, source.rootCaCertificate?.encryptionKey, scope),
  ];
  if (source.vpc) {
    sourceAccessConfigurations.push({ type: lambda.SourceAccessConfigurationType.VPC_SECURITY_GROUP, uri: source.securityGroup!.securityGroupId });
    for (const subnetId of source.vpc.selectSubnets(source.vpcSubnets).subnetIds) {
      sourceAccessConfigurations.push({ type: lambda.SourceAccessConfigurationType.VPC_SUBNET, uri: subnetId });
    }
    statements.push(new iam.PolicyStatement({ actions: ENI_ACTIONS, resources: ['*'] }));
  }
  return { kafkaBootstrapServers: servers, sourceAccessConfigurations, statements };
}

/**
 * Read on a secret (the ARN pattern `grantRead` uses for a partial ARN) and,
 * for a customer managed key, decrypt through Secrets Manager only.
 */
function secretStatements(secret: secretsmanager.ISecret | undefined, key: kms.IKey | undefined, scope: IConstruct): iam.PolicyStatement[] {
  if (!secret) return [];
  const statements = [new iam.PolicyStatement({
    actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
    resources: [secret.secretFullArn ?? `${secret.secretArn}-??????`],
  })];
  if (key) {
    statements.push(new iam.PolicyStatement({
      actions: ['kms:Decrypt'],
      resources: [key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(scope).region}.amazonaws.com` } },
    }));
  }
  return statements;
}

/**
 * The topic and group ARNs of an MSK cluster, for IAM access control:
 * `arn:aws:kafka:r:a:cluster/name/uuid` gives `…:topic/name/uuid/<topic>` and
 * `…:group/name/uuid/<group>`. A token ARN is split with `Fn::Split`.
 */
export function mskResourceArns(clusterArn: string): { topic: (name: string) => string; group: (id: string) => string } {
  let prefix: string;
  let cluster: string;
  if (Token.isUnresolved(clusterArn)) {
    const fields = Fn.split(':', clusterArn);
    const path = Fn.split('/', Fn.select(5, fields));
    prefix = `arn:${Fn.select(1, fields)}:kafka:${Fn.select(3, fields)}:${Fn.select(4, fields)}`;
    cluster = `${Fn.select(1, path)}/${Fn.select(2, path)}`;
  } else {
    const [, partition, , region, account, resource] = clusterArn.split(':');
    prefix = `arn:${partition}:kafka:${region}:${account}`;
    cluster = resource.split('/').slice(1).join('/');
  }
  return {
    topic: (name) => `${prefix}:topic/${cluster}/${name}`,
    group: (id) => `${prefix}:group/${cluster}/${id}`,
  };
}
