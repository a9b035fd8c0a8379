/**
 * What cfn-lint (test/cfn-lint/) accepts in the integ tests' assertion
 * stacks, which integ-tests-alpha writes, not our constructs.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { Aspects, CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** Construct id of integ-tests-alpha's assertion provider (a SingletonFunction with a fixed uuid). */
const ASSERTION_PROVIDER = 'SingletonFunction1488541a7b23466481b69b4408076b81';

/**
 * integ-tests-alpha's assertion provider, the Lambda behind
 * `assertions.invokeFunction`, grants its role `lambda:Invoke` (derived from
 * the SDK call's name) besides the `lambda:InvokeFunction` that the call
 * needs. `lambda:Invoke` is no IAM action: cfn-lint's W3037 says so, rightly,
 * but the role is integ-tests-alpha's and exists only in the assertion stack
 * of an integ test. That role alone is marked for cfn-lint to skip W3037
 * (resource metadata `cfn-lint.config.ignore_checks`); every other resource,
 * ours included, keeps the check.
 */
export function acceptAssertionProviderRole(test: IntegTest): void {
  Aspects.of(test).add({
    visit(node: IConstruct) {
      if (CfnResource.isCfnResource(node) && node.cfnResourceType === 'AWS::IAM::Role' && node.node.scope?.node.id === ASSERTION_PROVIDER) {
        node.addMetadata('cfn-lint', { config: { ignore_checks: ['W3037'] } });
      }
    },
  });
}
