#!/usr/bin/env node
/** The CDK app: `npx cdk synth` runs this file through tsx (see cdk.json). */
import { App } from 'aws-cdk-lib';
import { AppStack } from '../lib/stack';

const app = new App();
new AppStack(app, '__STACK_ID__', {
  // deploy to the account and region of your AWS credentials
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
