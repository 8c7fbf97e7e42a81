// Entry point: mounts the app with its toast layer and hash router.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.jsx';
import './styles/base.css';
import './styles/pages.css';
import './styles/editor.css';
import './styles/canvas.css';
import './styles/panel.css';
import './styles/run.css';
import './styles/outputs.css';
import './styles/deploy.css';
import './styles/operations.css';
import './styles/data.css';
import './styles/workspace.css';
import './styles/sweeps.css';

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
