// The app shell: picks the page for the current hash route.
import { ToastProvider } from './ui/toast.jsx';
import { useRoute } from './ui/router.js';
import { PipelinesPage } from './pages/PipelinesPage.jsx';
import { EditorPage } from './pages/EditorPage.jsx';
import { RunPage } from './pages/RunPage.jsx';

export function App() {
  const route = useRoute();
  return (
    <ToastProvider>
      {route.page === 'graph' && <EditorPage key={route.graphId} graphId={route.graphId} />}
      {route.page === 'run' && <RunPage key={route.runId} runId={route.runId} />}
      {route.page === 'pipelines' && <PipelinesPage />}
    </ToastProvider>
  );
}
