/**
 * Integration test of KafkaConsumer on a real Amazon MSK Serverless cluster
 * (IAM access control) created in the test, in a VPC with private subnets
 * and a NAT gateway (the event source mapping's pollers reach Lambda and STS
 * through it).
 *
 * What a deployment checks, plainly:
 * 1. The event source mapping that KafkaConsumer creates, with the IAM policy
 *    it grants (kafka-cluster Connect/DescribeTopic/ReadData/group actions,
 *    the network-interface actions), reaches state `Enabled` and reports no
 *    problem (`LastProcessingResult` is `OK` or `No records processed`, not
 *    `PROBLEM: ...`; those two values are assumed, not yet confirmed on a real
 *    deployment). Lambda refuses to create an MSK mapping whose role lacks
 *    the network-interface permissions, and reports connection and
 *    authorization failures (`PROBLEM: ...`) in `LastProcessingResult`, so a
 *    consumer with broken IAM or networking fails this check. It may pass before the pollers have first connected;
 *    it is a health check of the wiring, not proof of delivery.
 * 2. The deployed consumer function, invoked directly with a real MSK event
 *    (the Powertools fixture in test/fixtures/events), decodes the three
 *    records and forwards them: an output queue receives
 *    `{"consumed":12345,...}`.
 *
 * What it does NOT check: a record travelling from a producer through the
 * cluster to the function. No Kafka client is installed in this project
 * (kafkajs is not a dependency), MSK Serverless has no AWS API to produce
 * records or create topics (the MSK topic APIs and AWS::MSK::Topic are for
 * provisioned clusters only), so the topic `integ-orders` does not exist when
 * the mapping starts. A full round trip needs a producer with a Kafka client
 * (see docs/integ.md).
 *
 * Cost and time: the cluster takes about 5-10 minutes to create and costs
 * about $0.75 an hour while it exists, plus the NAT gateway.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as msk from 'aws-cdk-lib/aws-msk';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { acceptAssertionProviderRole } from './cfn-lint';
import { KafkaAuth, KafkaConsumer, KafkaSource } from '../src';

/** The port of MSK's IAM-authenticated TLS listener. */
const MSK_IAM_PORT = 9098;

const app = new App();
const stack = new Stack(app, 'CdkTsLambdaIntegKafka');

const vpc = new ec2.Vpc(stack, 'Vpc', {
  maxAzs: 2, // MSK Serverless needs subnets in at least two Availability Zones
  natGateways: 1,
  subnetConfiguration: [
    { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
    { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
  ],
});
// Lambda's pollers for an MSK source use the cluster's subnets and security groups
const clusterSecurityGroup = new ec2.SecurityGroup(stack, 'ClusterSecurityGroup', {
  vpc,
  description: 'MSK Serverless cluster of the KafkaConsumer integ test, and the network interfaces of its event source mapping',
});
clusterSecurityGroup.addIngressRule(clusterSecurityGroup, ec2.Port.tcp(MSK_IAM_PORT), 'IAM-authenticated clients in the same group (the event source mapping)');

const cluster = new msk.CfnServerlessCluster(stack, 'Cluster', {
  clusterName: 'cdk-ts-lambda-integ-kafka',
  clientAuthentication: { sasl: { iam: { enabled: true } } },
  vpcConfigs: [{
    subnetIds: vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds,
    securityGroups: [clusterSecurityGroup.securityGroupId],
  }],
});

const output = new sqs.Queue(stack, 'Output', { enforceSSL: true, encryption: sqs.QueueEncryption.SQS_MANAGED });
const consumer = new KafkaConsumer(stack, 'Orders', {
  entry: join(__dirname, 'handlers', 'kafka-orders.ts'),
  topic: 'integ-orders',
  source: KafkaSource.msk({ clusterArn: cluster.attrArn, auth: KafkaAuth.iam() }),
  environment: { OUTPUT_QUEUE_URL: output.queueUrl },
});
output.grantSendMessages(consumer.function);

const test = new IntegTest(app, 'KafkaTest', { testCases: [stack] });
acceptAssertionProviderRole(test);

// 1. the mapping is enabled and Lambda reports no problem reaching the cluster
test.assertions
  .awsApiCall('Lambda', 'getEventSourceMapping', { UUID: consumer.eventSource.eventSourceMappingId })
  .expect(ExpectedResult.objectLike({
    State: 'Enabled',
    LastProcessingResult: Match.stringLikeRegexp('^(OK|No records processed)$'),
  }))
  .waitForAssertions({ totalTimeout: Duration.minutes(15), interval: Duration.seconds(30) });

// 2. the consumer function handles a real MSK event and its effect shows up in the output queue
const mskEvent = readFileSync(join(__dirname, '..', 'test', 'fixtures', 'events', 'powertools-ts-kafka-json.json'), 'utf8');
test.assertions
  .invokeFunction({ functionName: consumer.function.functionName, payload: JSON.stringify(JSON.parse(mskEvent)) })
  .expect(ExpectedResult.objectLike({ StatusCode: 200, Payload: JSON.stringify({ forwarded: 3 }) }))
  .next(test.assertions
    .awsApiCall('SQS', 'receiveMessage', { QueueUrl: output.queueUrl, WaitTimeSeconds: 20 })
    .assertAtPath('Messages.0.Body', ExpectedResult.stringLikeRegexp('"consumed":12345'))
    .waitForAssertions({ totalTimeout: Duration.minutes(3), interval: Duration.seconds(10) }));
