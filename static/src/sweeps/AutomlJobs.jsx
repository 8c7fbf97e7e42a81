// The workspace's automated-ML jobs on the Sweeps page, whoever started them (a pipeline's "Try learners" or
// `designer automl`); one opens in a dialog with its leaderboard, to follow, cancel or open its winner.
import { Dialog } from '../ui/Dialog.jsx';
import { AutomlLeaderboard, EarlierJobs, JobActions, useAutomlJob } from './AutomlLeaderboard.jsx';

function JobDialog({ initial, onClose }) {
  const { job, cancel, problem } = useAutomlJob(initial);
  return (
    <Dialog title={`Automated ML: ${job.label} from ${job.source && job.source.node ? `node ${job.source.node}` : job.data}`}
      onClose={onClose} wide testId="automl-job-dialog"
      footer={(
        <>
          <button type="button" className="btn" onClick={onClose}>Close</button>
          <JobActions job={job} onCancel={cancel} />
        </>
      )}>
      <AutomlLeaderboard job={job} />
      {problem && <div className="callout callout-error small" role="alert">{problem}</div>}
    </Dialog>
  );
}

export function AutomlJobs({ jobs, shown, onShow, onClose }) {
  return (
    <>
      <EarlierJobs jobs={jobs} onShow={onShow} title="Automated ML jobs" showData page testId="automl-jobs" />
      {shown && <JobDialog key={shown.automl_id} initial={shown} onClose={onClose} />}
    </>
  );
}
