// A free text note on the canvas: typed in place, moved by its top bar.
import { memo } from 'react';

function NoteView({ data, selected }) {
  const { note, onText, readOnly } = data;
  return (
    <div className={`note-card${selected ? ' note-card-selected' : ''}`} data-testid={`note-${note.id}`}>
      <div className="note-card-bar" title="Drag to move" />
      <textarea className="note-card-text nodrag nowheel" value={note.text} placeholder="Write a note…" aria-label="Note"
        readOnly={readOnly} data-testid={`note-text-${note.id}`} onChange={(e) => onText(note.id, e.target.value)} />
    </div>
  );
}

export const NoteCard = memo(NoteView);
