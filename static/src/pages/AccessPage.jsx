// Who may enter, #/access (admins): people who sign in at /login, and API tokens for scripts.
import { useCallback, useEffect, useState } from 'react';
import { describeError } from '../api/client.js';
import { ROLES, ROLE_HELP, access, me } from '../api/access.js';
import { CopyButton } from '../deploy/Copyable.jsx';
import { ConfirmDialog } from '../ui/Dialog.jsx';
import { ListState } from '../ui/ListState.jsx';
import { relativeTime } from '../ui/StatusBadge.jsx';
import { Icon } from '../ui/icons.jsx';
import { useToast } from '../ui/toast.jsx';
import { AppHeader } from './AppHeader.jsx';
import { PageTitle } from '../ui/ListTable.jsx';

function RoleSelect({ value, onChange, testId, short = false }) {
  return (
    <select className={`input role-select${short ? ' role-select-short' : ''}`} value={value}
      onChange={(e) => onChange(e.target.value)} data-testid={testId} aria-label="Role">
      {ROLES.map((role) => <option key={role} value={role} title={ROLE_HELP[role]}>
        {short ? role : `${role} — ${ROLE_HELP[role]}`}</option>)}
    </select>
  );
}

function useList(load) {
  const [items, setItems] = useState(null);
  const [error, setError] = useState(null);
  const refresh = useCallback(() => load().then((d) => { setItems(d); setError(null); }, setError), [load]);
  useEffect(() => { refresh(); }, [refresh]);
  return [items, error, refresh];
}

const loadUsers = () => access.listUsers().then((d) => d.users || []);
const loadTokens = () => access.listTokens().then((d) => d.tokens || []);

function AddUserForm({ onAdded }) {
  const [name, setName] = useState('');
  const [role, setRole] = useState('editor');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const submit = async (event) => {
    event.preventDefault();
    try {
      await access.addUser(name.trim(), role, password);
      setName(''); setPassword(''); setError(null);
      onAdded(name.trim());
    } catch (e) {
      setError(describeError(e));
    }
  };
  return (
    <form className="access-form" onSubmit={submit} data-testid="add-user-form">
      <input className="input" placeholder="user name" aria-label="New user name" value={name}
        onChange={(e) => setName(e.target.value)} data-testid="new-user-name" required />
      <input className="input" type="password" placeholder="password (8+ characters)" aria-label="New user password"
        value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password"
        data-testid="new-user-password" required />
      <RoleSelect value={role} onChange={setRole} testId="new-user-role" />
      <button type="submit" className="btn btn-primary" data-testid="btn-add-user"><Icon name="plus" /> Add user</button>
      {error && <div className="field-problem access-error" role="alert">{error}</div>}
    </form>
  );
}

function CreateTokenForm({ onCreated }) {
  const [name, setName] = useState('');
  const [role, setRole] = useState('editor');
  const [error, setError] = useState(null);
  const submit = async (event) => {
    event.preventDefault();
    try {
      const made = await access.createToken(name.trim(), role);
      setName(''); setError(null);
      onCreated(made);
    } catch (e) {
      setError(describeError(e));
    }
  };
  return (
    <form className="access-form" onSubmit={submit} data-testid="create-token-form">
      <input className="input" placeholder="token name, e.g. nightly-ci" aria-label="New token name" value={name}
        onChange={(e) => setName(e.target.value)} data-testid="new-token-name" required />
      <RoleSelect value={role} onChange={setRole} testId="new-token-role" />
      <button type="submit" className="btn btn-primary" data-testid="btn-create-token"><Icon name="key" /> Create token</button>
      {error && <div className="field-problem access-error" role="alert">{error}</div>}
    </form>
  );
}

export function AccessPage() {
  const toast = useToast();
  const [users, usersError, refreshUsers] = useList(loadUsers);
  const [tokens, tokensError, refreshTokens] = useList(loadTokens);
  const [madeToken, setMadeToken] = useState(null);
  const [confirm, setConfirm] = useState(null); // {kind: "user"|"token", name}
  const [self, setSelf] = useState(null);
  useEffect(() => { me().then(setSelf, () => {}); }, []);

  const act = async (work, done) => {
    try {
      await work();
      toast(done, 'success');
    } catch (e) {
      toast(describeError(e), 'error');
    }
    refreshUsers();
    refreshTokens();
  };

  return (
    <div className="page">
      <AppHeader />
      <main className="page-body">
        <PageTitle title="Access" subtitle={<>Viewers read, editors edit and run, admins also manage compute, users and keys.
          {self && self.kind === 'local' && ' This server asks nobody to sign in until the first user or token exists.'}</>} />

        <h2 className="section-heading">Users</h2>
        <p className="muted small">People who sign in at <code>/login</code>.</p>
        <AddUserForm onAdded={(name) => { toast(`Added ${name}`, 'success'); refreshUsers(); }} />
        <ListState items={users} error={usersError} what="users" icon="key" title="No users yet" testId="users-empty">
          <p>Add the first one above, or run <code>designer users add NAME --role admin</code>.</p>
        </ListState>
        {users && users.length > 0 && (
          <table className="data-table access-table" data-testid="users-table">
            <thead><tr><th>Name</th><th>Role</th><th>Added</th><th className="actions-col" aria-label="Actions" /></tr></thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.name} data-testid={`user-row-${u.name}`}>
                  <td className="mono">{u.name}{self && self.name === u.name && self.kind === 'user' && <span className="muted"> (you)</span>}</td>
                  <td><RoleSelect short value={u.role} testId={`role-${u.name}`}
                    onChange={(role) => act(() => access.setRole(u.name, role), `${u.name} is now ${role}`)} /></td>
                  <td className="muted" title={u.created_at || ''}>{relativeTime(u.created_at)}</td>
                  <td className="actions-col">
                    <button type="button" className="btn btn-small btn-ghost-danger" aria-label={`Remove ${u.name}`}
                      data-testid="btn-remove-user" onClick={() => setConfirm({ kind: 'user', name: u.name })}><Icon name="trash" /></button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}

        <h2 className="section-heading">API tokens</h2>
        <p className="muted small">For scripts and the command line: <code>Authorization: Bearer TOKEN</code>.</p>
        <CreateTokenForm onCreated={(made) => { setMadeToken(made); refreshTokens(); }} />
        {madeToken && (
          <div className="token-made" data-testid="token-made">
            <div><strong>{madeToken.name}</strong>: copy it now, it is not shown again.</div>
            <div className="secret-shown"><code className="secret-value" data-testid="token-value">{madeToken.token}</code>
              <CopyButton text={madeToken.token} testId="token-copy" /></div>
          </div>
        )}
        <ListState items={tokens} error={tokensError} what="tokens" icon="key" title="No tokens yet" testId="tokens-empty">
          <p>Create one above, or run <code>designer tokens create NAME --role editor</code>.</p>
        </ListState>
        {tokens && tokens.length > 0 && (
          <table className="data-table access-table" data-testid="tokens-table">
            <thead><tr><th>Name</th><th>Role</th><th>Starts with</th><th>Created</th><th>Last used</th><th className="actions-col" aria-label="Actions" /></tr></thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id} data-testid={`token-row-${t.name}`}>
                  <td className="mono">{t.name}</td>
                  <td>{t.role}</td>
                  <td className="mono muted">{t.prefix}…</td>
                  <td className="muted" title={t.created_at || ''}>{relativeTime(t.created_at)}</td>
                  <td className="muted">{t.last_used_at ? relativeTime(t.last_used_at) : 'never'}</td>
                  <td className="actions-col">
                    <button type="button" className="btn btn-small btn-ghost-danger" aria-label={`Revoke ${t.name}`}
                      data-testid="btn-revoke-token" onClick={() => setConfirm({ kind: 'token', name: t.name })}><Icon name="trash" /></button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </main>
      {confirm && (
        <ConfirmDialog title={confirm.kind === 'user' ? 'Remove user?' : 'Revoke token?'} onClose={() => setConfirm(null)}
          confirmLabel={confirm.kind === 'user' ? 'Remove' : 'Revoke'}
          onConfirm={() => act(() => (confirm.kind === 'user' ? access.removeUser(confirm.name) : access.revokeToken(confirm.name)),
            confirm.kind === 'user' ? `Removed ${confirm.name}` : `Revoked ${confirm.name}`)}
          message={confirm.kind === 'user'
            ? `“${confirm.name}” can no longer sign in; their open sessions end at once.`
            : `Scripts using “${confirm.name}” are refused from now on.`} />
      )}
    </div>
  );
}
