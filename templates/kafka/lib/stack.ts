import { Stack, StackProps } from 'aws-cdk-lib';
import { KafkaAuth, KafkaConsumer, KafkaSource, OutputFormat } from 'cdk-ts-lambda';
import { Construct } from 'constructs';

/**
 * Your Amazon MSK cluster (this placeholder ARN must be replaced before a
 * deploy; pass yours with `npx cdk deploy -c clusterArn=arn:aws:kafka:...`).
 */
const PLACEHOLDER_CLUSTER_ARN = 'arn:aws:kafka:us-east-1:123456789012:cluster/orders/abcd1234-abcd-cafe-abab-9876543210ab-4';

/** A consumer of one topic of an Amazon MSK cluster, with IAM authentication. */
export class AppStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const clusterArn = this.node.tryGetContext('clusterArn') ?? PLACEHOLDER_CLUSTER_ARN;
    new KafkaConsumer(this, 'Orders', {
      entry: 'src/handler.ts',
      description: 'Handles order records',
      topic: 'orders',
      source: KafkaSource.msk({ clusterArn, auth: KafkaAuth.iam() }),
      // provisioned mode: needed for retries, bisection and partial batch
      // responses (a poller is billed while it runs, see the README)
      provisionedPollers: { minimumPollers: 1, maximumPollers: 2 },
      maxRetryAttempts: 3,
      bisectBatchOnError: true,
      // Powertools' kafka utility loads its Avro and Protobuf decoders lazily;
      // this JSON consumer needs neither, and a CommonJS bundle keeps them
      // lazy requires (add avro-js or protobufjs, and drop them here, to use them)
      bundling: { format: OutputFormat.CJS, externalModules: ['avro-js', 'protobufjs'] },
    });
  }
}
