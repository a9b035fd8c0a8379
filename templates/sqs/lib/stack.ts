import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import { SqsConsumer } from 'cdk-ts-lambda';
import { Construct } from 'constructs';

/** An SQS queue (with a dead-letter queue) consumed by one TypeScript function. */
export class AppStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    new SqsConsumer(this, 'Orders', {
      entry: 'src/handler.ts',
      description: 'Handles order messages',
      timeout: Duration.seconds(30),
      batchSize: 10,
      maxConcurrency: 5,
    });
  }
}
