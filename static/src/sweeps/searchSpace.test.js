// The sweep dialog's pure helpers: starting expressions, goals from metric names, the contract-6 body.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goalFor, suggestExpression, sweepBody } from './searchSpace.js';

test('a first range comes from the parameter default', () => {
  assert.equal(suggestExpression('float', 0.01), 'loguniform(0.001, 0.1)');
  assert.equal(suggestExpression('int', 32), 'choice(16, 32, 64)');
  assert.equal(suggestExpression('str', 'relu'), "choice('relu')");
  assert.equal(suggestExpression('bool', true), 'choice(true, false)');
});

test('losses and errors are minimised, the rest maximised', () => {
  assert.equal(goalFor('eval.rmse'), 'minimize');
  assert.equal(goalFor('train.val_loss'), 'minimize');
  assert.equal(goalFor('eval.accuracy'), 'maximize');
});

const FORM = {
  rows: [{ name: 'lr', expression: 'uniform(0, 1)', enabled: true }, { name: 'n', expression: 'choice(1)', enabled: false }],
  sampling: 'random', metric: 'eval.accuracy', goal: 'maximize', trials: '8', concurrent: '2', compute: '',
  policy: 'none', slackKind: 'factor', slack: 0.15, interval: 1, delay: 0, truncation: 20, excludeFinished: false,
  intermediate: '', seed: '',
};

test('the body carries only the chosen parameters and no policy when none is chosen', () => {
  assert.deepEqual(sweepBody(FORM), {
    search_space: { lr: 'uniform(0, 1)' }, sampling: 'random', primary_metric: 'eval.accuracy', goal: 'maximize',
    max_total_trials: 8, max_concurrent_trials: 2,
  });
});

test('each policy sends its own fields', () => {
  assert.deepEqual(sweepBody({ ...FORM, policy: 'bandit', slackKind: 'amount', slack: '0.2', delay: '3' }).early_termination,
    { policy: 'bandit', evaluation_interval: 1, delay_evaluation: 3, slack_amount: 0.2 });
  assert.deepEqual(sweepBody({ ...FORM, policy: 'truncation_selection', excludeFinished: true }).early_termination,
    { policy: 'truncation_selection', evaluation_interval: 1, delay_evaluation: 0, truncation_percentage: 20, exclude_finished_jobs: true });
  const body = sweepBody({ ...FORM, policy: 'median_stopping', intermediate: 'train.val_accuracy', seed: '4', compute: 'dask' });
  assert.deepEqual(body.early_termination, { policy: 'median_stopping', evaluation_interval: 1, delay_evaluation: 0 });
  assert.equal(body.intermediate_metric, 'train.val_accuracy');
  assert.equal(body.seed, 4);
  assert.equal(body.compute, 'dask');
});
