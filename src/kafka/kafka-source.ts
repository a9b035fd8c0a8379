import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { KafkaAuth } from './kafka-auth';

/** An Amazon MSK cluster (provisioned or serverless) to consume from. */
export interface MskSourceProps {
  /**
   * The ARN of the MSK cluster:
   * `arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>`. The topic and
   * group ARNs that IAM access control needs are derived from it (with
   * `Fn::Split` when the ARN is a token, such as `CfnCluster.attrArn`).
   */
  readonly clusterArn: string;

  /**
   * How Lambda authenticates to the brokers: `KafkaAuth.iam()`,
   * `KafkaAuth.saslScram512(secret)` or `KafkaAuth.mtls(secret)`.
   */
  readonly auth: KafkaAuth;
}

/** A self-managed Apache Kafka cluster (anywhere Lambda can reach). */
export interface SelfManagedSourceProps {
  /**
   * The bootstrap brokers, as `host:port`.
   */
  readonly bootstrapServers: string[];

  /**
   * How Lambda authenticates to the brokers: SASL/SCRAM, SASL/PLAIN or mTLS
   * with a secret, or `KafkaAuth.none()` for a cluster reached in a VPC.
   * A cluster reached over the internet needs a secret.
   */
  readonly auth: KafkaAuth;

  /**
   * The VPC through which Lambda reaches the brokers. Lambda creates network
   * interfaces in it: the function's role gets the EC2 permissions for that.
   * @default - the brokers are reached over the internet
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The subnets of `vpc` for Lambda's network interfaces (private subnets
   * with a route to the brokers and to Lambda, STS and Secrets Manager).
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The security group of Lambda's network interfaces in `vpc`; it must
   * allow traffic to the brokers. Required with `vpc`.
   * @default - none; required when `vpc` is given
   */
  readonly securityGroup?: ec2.ISecurityGroup;

  /**
   * A secret with the root CA certificate (PEM, under `certificate`) that
   * signed the brokers' TLS certificates, for a private CA.
   * @default - the brokers' certificates are signed by a public CA
   */
  readonly rootCaCertificate?: secretsmanager.ISecret;
}

/**
 * The Kafka cluster a KafkaConsumer reads from: Amazon MSK or self-managed.
 *
 * @example
 * KafkaSource.msk({ clusterArn, auth: KafkaAuth.iam() });
 * KafkaSource.selfManaged({ bootstrapServers: ['broker-1:9096'], auth: KafkaAuth.saslScram512(secret), vpc, securityGroup });
 */
export class KafkaSource {
  /** An Amazon MSK cluster. */
  public static msk(props: MskSourceProps): KafkaSource {
    return new KafkaSource({ auth: props.auth, clusterArn: props.clusterArn });
  }

  /** A self-managed Apache Kafka cluster. */
  public static selfManaged(props: SelfManagedSourceProps): KafkaSource {
    return new KafkaSource({ ...props });
  }

  /** The MSK cluster ARN (MSK sources only). */
  public readonly clusterArn?: string;

  /** The bootstrap brokers (self-managed sources only). */
  public readonly bootstrapServers?: string[];

  /** How Lambda authenticates to the brokers. */
  public readonly auth: KafkaAuth;

  /** The VPC through which Lambda reaches self-managed brokers. */
  public readonly vpc?: ec2.IVpc;

  /** The subnets of `vpc` for Lambda's network interfaces. */
  public readonly vpcSubnets?: ec2.SubnetSelection;

  /** The security group of Lambda's network interfaces. */
  public readonly securityGroup?: ec2.ISecurityGroup;

  /** The secret with the root CA certificate of the brokers. */
  public readonly rootCaCertificate?: secretsmanager.ISecret;

  private constructor(props: Partial<SelfManagedSourceProps> & { readonly auth: KafkaAuth; readonly clusterArn?: string }) {
    this.clusterArn = props.clusterArn;
    this.bootstrapServers = props.bootstrapServers;
    this.auth = props.auth;
    this.vpc = props.vpc;
    this.vpcSubnets = props.vpcSubnets;
    this.securityGroup = props.securityGroup;
    this.rootCaCertificate = props.rootCaCertificate;
  }

  /** Whether this is an Amazon MSK cluster. */
  public get isMsk(): boolean {
    return this.clusterArn !== undefined;
  }
}
