import { Aspects } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { isolateBundleCache } from '../helpers/fixtures';

isolateBundleCache();

/**
 * cdk-nag (AwsSolutions) over the whole example app, which uses every
 * construct: no unsuppressed finding; every suppression carries its reason
 * in the code that adds it.
 */
describe('cdk-nag AwsSolutions over examples/app', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { app, stack } = require('../../examples/app/main');
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  const annotations = Annotations.fromStack(stack);

  test('no unsuppressed errors', () => {
    const errors = annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*'));
    expect(errors.map((e) => `${e.id}: ${e.entry.data}`)).toEqual([]);
  });

  test('no unsuppressed warnings', () => {
    const warnings = annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'));
    expect(warnings.map((w) => `${w.id}: ${w.entry.data}`)).toEqual([]);
  });

  test('the checks did run (the stack has functions to check)', () => {
    const template = Template.fromStack(stack);
    expect(Object.keys(template.findResources('AWS::Lambda::Function')).length).toBeGreaterThan(0);
  });
});
