// Pure helpers for the sweep dialog: a starting expression per parameter, metric names, the request body.

/** A reasonable first range for a parameter from its default, in Azure ML's vocabulary. */
export function suggestExpression(type, value) {
  if (type === 'float' && typeof value === 'number' && value > 0) {
    return `loguniform(${round(value / 10)}, ${round(value * 10)})`;
  }
  if (type === 'float' && typeof value === 'number') return `uniform(${round(value - 1)}, ${round(value + 1)})`;
  if (type === 'int' && typeof value === 'number') {
    return value >= 2 ? `choice(${Math.max(1, Math.floor(value / 2))}, ${value}, ${value * 2})` : `randint(0, ${value + 5})`;
  }
  if (type === 'bool') return 'choice(true, false)';
  return `choice('${String(value ?? '')}')`;
}

function round(v) {
  return Number(v.toPrecision(3));
}

/** Metric names evaluation nodes report, task by task (what evaluate-model computes). */
export const EVALUATION_METRICS = ['accuracy', 'precision', 'recall', 'f1', 'auc', 'log_loss', 'mae', 'mse', 'rmse', 'r2'];
export const MINIMISED = new Set(['log_loss', 'loss', 'val_loss', 'mae', 'mse', 'rmse']);
/** Per-epoch values training nodes report through node.metrics. */
export const EPOCH_METRICS = ['val_accuracy', 'accuracy', 'val_loss', 'loss'];

export function goalFor(metric) {
  const name = String(metric || '').split('.').pop();
  return MINIMISED.has(name) ? 'minimize' : 'maximize';
}

/** The contract-6 body from the dialog's form state. */
export function sweepBody(form) {
  const body = {
    search_space: Object.fromEntries(form.rows.filter((r) => r.enabled && r.name).map((r) => [r.name, r.expression])),
    sampling: form.sampling,
    primary_metric: form.metric,
    goal: form.goal,
    max_total_trials: Number(form.trials),
    max_concurrent_trials: Number(form.concurrent),
  };
  if (form.compute) body.compute = form.compute;
  if (form.seed !== '' && form.seed !== null && form.seed !== undefined) body.seed = Number(form.seed);
  if (form.intermediate) body.intermediate_metric = form.intermediate;
  if (form.policy !== 'none') {
    const policy = { policy: form.policy, evaluation_interval: Number(form.interval), delay_evaluation: Number(form.delay) };
    if (form.policy === 'bandit') {
      if (form.slackKind === 'amount') policy.slack_amount = Number(form.slack);
      else policy.slack_factor = Number(form.slack);
    }
    if (form.policy === 'truncation_selection') {
      policy.truncation_percentage = Number(form.truncation);
      policy.exclude_finished_jobs = Boolean(form.excludeFinished);
    }
    body.early_termination = policy;
  }
  return body;
}
