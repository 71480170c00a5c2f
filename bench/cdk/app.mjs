// make bench: the stack `stackgen synth --env dev` renders, built as an AWS CDK app and
// synthesised by `cdk synth`, so the two tools' synth times can be compared side by side.
//
// Every resource, parameter, condition and output of stackgen's rendered templates (the files
// in STACKGEN_TEMPLATES, colon-separated: one CDK stack each) becomes its L1 construct
// (CfnResource, CfnParameter, CfnCondition, CfnOutput) with the same properties: the same stack, expressed the cheapest way CDK can
// express it (no L2 defaults, no aspects of our own). An L2 app of the same stack would do more
// work per resource, so this is CDK's fastest case.
import { readFileSync } from 'node:fs';
import { App, CfnCondition, CfnOutput, CfnParameter, CfnResource, Stack } from 'aws-cdk-lib';

const paths = (process.env.STACKGEN_TEMPLATES ?? '').split(':').filter(Boolean);
if (paths.length === 0) {
  console.error('STACKGEN_TEMPLATES must list the templates `stackgen synth --env dev` wrote (a:b)');
  process.exit(2);
}

const app = new App();
paths.forEach((path, n) => addStack(app, `Stack${n}`, JSON.parse(readFileSync(path, 'utf8'))));
app.synth();

function addStack(app, name, template) {
  // The default synthesizer (CDK's bootstrap-version parameter and rule, the asset manifest), as
  // a CDK user's app has it; no CDKMetadata resource, as stackgen adds none.
  const stack = new Stack(app, name, {
    description: template.Description,
    analyticsReporting: false,
  });
  for (const [id, p] of Object.entries(template.Parameters ?? {})) {
    new CfnParameter(stack, id, {
      type: p.Type,
      default: p.Default,
      allowedPattern: p.AllowedPattern,
      allowedValues: p.AllowedValues,
      constraintDescription: p.ConstraintDescription,
      description: p.Description,
      noEcho: p.NoEcho,
    });
  }
  for (const [id, c] of Object.entries(template.Conditions ?? {})) {
    // The condition's JSON as it is (an IResolvable that resolves to itself).
    const expression = { creationStack: [], resolve: () => c, toString: () => id };
    new CfnCondition(stack, id, { expression });
  }
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    const resource = new CfnResource(stack, id, { type: r.Type, properties: r.Properties });
    resource.overrideLogicalId(id);
    for (const key of ['DependsOn', 'DeletionPolicy', 'UpdateReplacePolicy', 'Condition', 'Metadata']) {
      if (r[key] !== undefined) resource.addOverride(key, r[key]);
    }
  }
  for (const [id, o] of Object.entries(template.Outputs ?? {})) {
    new CfnOutput(stack, id, {
      value: o.Value,
      description: o.Description,
      exportName: o.Export?.Name,
    });
  }
}
