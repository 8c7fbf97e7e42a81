// The signed-in user at the right of the top bar, with their role and a sign-out button (nothing on an open server).
import { useEffect, useState } from 'react';
import { me, signOut } from '../api/access.js';

/** Who is signed in ({name, role, kind}), null until known. */
export function useMe() {
  const [user, setUser] = useState(null);
  useEffect(() => {
    let alive = true;
    me().then((who) => { if (alive) setUser(who); }).catch(() => {});
    return () => { alive = false; };
  }, []);
  return user;
}

export function UserMenu({ user }) {
  const [busy, setBusy] = useState(false);
  if (!user || user.kind === 'local') return null;
  const onSignOut = async () => {
    setBusy(true);
    try {
      await signOut();
    } catch {
      setBusy(false);
    }
  };
  return (
    <div className="user-menu" data-testid="user-menu">
      <span className="user-name" title={`Signed in as ${user.name}`} data-testid="user-name">{user.name}</span>
      <span className={`user-role role-${user.role}`} data-testid="user-role">{user.role}</span>
      {user.kind === 'user' && (
        <button type="button" className="btn btn-small" onClick={onSignOut} disabled={busy} data-testid="btn-sign-out">
          Sign out
        </button>
      )}
    </div>
  );
}
