import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/** How Lambda's event source mapping authenticates to the Kafka brokers. */
export enum KafkaAuthMechanism {
  /** IAM access control (Amazon MSK only). */
  IAM = 'IAM',
  /** SASL/SCRAM with SHA-256 (self-managed Kafka only; Amazon MSK uses SHA-512). */
  SASL_SCRAM_256 = 'SASL_SCRAM_256',
  /** SASL/SCRAM with SHA-512. */
  SASL_SCRAM_512 = 'SASL_SCRAM_512',
  /** SASL/PLAIN, user name and password (self-managed Kafka only). */
  SASL_PLAIN = 'SASL_PLAIN',
  /** Mutual TLS with a client certificate. */
  MTLS = 'MTLS',
  /** No authentication (self-managed Kafka reached in a VPC only). */
  NONE = 'NONE',
}

/**
 * How the consumer authenticates to the Kafka cluster. KafkaConsumer grants
 * what each mechanism needs: the `kafka-cluster:*` actions for IAM, read on
 * the secret (and decrypt on its customer managed key) for SASL and mTLS.
 *
 * @example
 * KafkaAuth.iam();
 * KafkaAuth.saslScram512(secret);
 */
export class KafkaAuth {
  /**
   * IAM access control (Amazon MSK). The function's role is granted
   * `kafka-cluster:Connect` and `DescribeClusterDynamicConfiguration` on the
   * cluster, `DescribeTopic` and `ReadData` on the topic, `DescribeGroup` and
   * `AlterGroup` on the consumer group.
   */
  public static iam(): KafkaAuth {
    return new KafkaAuth(KafkaAuthMechanism.IAM);
  }

  /**
   * SASL/SCRAM with SHA-256 (self-managed Kafka).
   * @param secret the secret with `username` and `password`
   * @param encryptionKey the customer managed KMS key of the secret, when the secret does not know it (an imported secret)
   */
  public static saslScram256(secret: secretsmanager.ISecret, encryptionKey?: kms.IKey): KafkaAuth {
    return new KafkaAuth(KafkaAuthMechanism.SASL_SCRAM_256, secret, encryptionKey);
  }

  /**
   * SASL/SCRAM with SHA-512 (Amazon MSK or self-managed Kafka).
   * @param secret the secret with `username` and `password` (for MSK, its name starts with `AmazonMSK_`)
   * @param encryptionKey the customer managed KMS key of the secret, when the secret does not know it (an imported secret)
   */
  public static saslScram512(secret: secretsmanager.ISecret, encryptionKey?: kms.IKey): KafkaAuth {
    return new KafkaAuth(KafkaAuthMechanism.SASL_SCRAM_512, secret, encryptionKey);
  }

  /**
   * SASL/PLAIN (self-managed Kafka).
   * @param secret the secret with `username` and `password`
   * @param encryptionKey the customer managed KMS key of the secret, when the secret does not know it (an imported secret)
   */
  public static saslPlain(secret: secretsmanager.ISecret, encryptionKey?: kms.IKey): KafkaAuth {
    return new KafkaAuth(KafkaAuthMechanism.SASL_PLAIN, secret, encryptionKey);
  }

  /**
   * Mutual TLS (Amazon MSK or self-managed Kafka).
   * @param secret the secret with the client `certificate` and `privateKey` (PEM)
   * @param encryptionKey the customer managed KMS key of the secret, when the secret does not know it (an imported secret)
   */
  public static mtls(secret: secretsmanager.ISecret, encryptionKey?: kms.IKey): KafkaAuth {
    return new KafkaAuth(KafkaAuthMechanism.MTLS, secret, encryptionKey);
  }

  /** No authentication: only for a self-managed cluster reached in a VPC. */
  public static none(): KafkaAuth {
    return new KafkaAuth(KafkaAuthMechanism.NONE);
  }

  /** The authentication mechanism. */
  public readonly mechanism: KafkaAuthMechanism;

  /** The secret with the credentials (SASL and mTLS). */
  public readonly secret?: secretsmanager.ISecret;

  /** The customer managed KMS key that encrypts the secret, when given or known by the secret. */
  public readonly encryptionKey?: kms.IKey;

  private constructor(mechanism: KafkaAuthMechanism, secret?: secretsmanager.ISecret, encryptionKey?: kms.IKey) {
    this.mechanism = mechanism;
    this.secret = secret;
    this.encryptionKey = encryptionKey ?? secret?.encryptionKey;
  }
}
