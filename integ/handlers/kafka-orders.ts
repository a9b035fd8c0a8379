/**
 * Integ handler of KafkaConsumer: decodes each record's value (base64 JSON)
 * as an order and forwards `{ consumed: id, topic, offset }` to
 * OUTPUT_QUEUE_URL; answers `{ forwarded: <count> }`. The event source
 * mapping runs in on-demand mode, which ignores partial batch responses, so a
 * record that is not an order fails the whole batch (the handler throws, and
 * the batch ends in the dead-letter queue). Plain decoding rather than
 * Powertools' kafka utility, whose lazy Avro/Protobuf imports need special
 * bundling (see examples/app/consumers.ts).
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { MSKEvent } from 'aws-lambda';

const sqs = new SQSClient({});

export const handler = async (event: MSKEvent): Promise<{ forwarded: number }> => {
  let forwarded = 0;
  for (const record of Object.values(event.records).flat()) {
    const order = JSON.parse(Buffer.from(record.value, 'base64').toString('utf8')) as { id?: unknown } | null;
    if (typeof order?.id !== 'number') throw new Error(`record ${record.topic}-${record.partition}@${record.offset} is not an order`);
    await sqs.send(new SendMessageCommand({
      QueueUrl: process.env.OUTPUT_QUEUE_URL,
      MessageBody: JSON.stringify({ consumed: order.id, topic: record.topic, offset: record.offset }),
    }));
    forwarded++;
  }
  return { forwarded };
};
