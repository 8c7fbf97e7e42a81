// Small stroke icons drawn inline so the app needs no icon font.

const PATHS = {
  plus: 'M12 5v14M5 12h14',
  upload: 'M12 15V4M7 9l5-5 5 5M4 15v4a1 1 0 0 0 1 1h14a1 1 0 0 0 1-1v-4',
  download: 'M12 4v11M7 10l5 5 5-5M4 15v4a1 1 0 0 0 1 1h14a1 1 0 0 0 1-1v-4',
  copy: 'M9 9h10v10H9zM5 15V5h10',
  trash: 'M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3',
  undo: 'M9 14L4 9l5-5M4 9h10a6 6 0 0 1 0 12h-3',
  redo: 'M15 14l5-5-5-5M20 9H10a6 6 0 0 0 0 12h3',
  layout: 'M4 5h5v5H4zM15 14h5v5h-5zM15 5h5v5h-5zM9 7.5h6M17.5 10v4',
  check: 'M5 12l4 4 10-10',
  play: 'M7 5l12 7-12 7z',
  stop: 'M7 7h10v10H7z',
  help: 'M9.5 9a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .9-1 1.6V14M12 17.5v.5M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z',
  search: 'M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14zM20 20l-4-4',
  chevronDown: 'M6 9l6 6 6-6',
  chevronRight: 'M9 6l6 6-6 6',
  chevronLeft: 'M15 6l-6 6 6 6',
  recycle: 'M7 19H4.5a1.5 1.5 0 0 1-1.3-2.3L6 12M14 19h5.5a1.5 1.5 0 0 0 1.3-2.3L19 14M9 5.5l1.7-2.7a1.5 1.5 0 0 1 2.6 0L16 7.5M6 12l-3 .5M6 12l1.5 2.7M11 22l3-3-3-3M19 8.5l-3-1 1-3',
  x: 'M6 6l12 12M18 6L6 18',
  link: 'M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1',
  unlink: 'M15 9l3-3M6 18l3-3M10 14a4 4 0 0 0 5.7 0M14 10a4 4 0 0 0-5.7 0M4 4l16 16',
  back: 'M15 6l-6 6 6 6',
  open: 'M14 4h6v6M20 4l-9 9M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5',
  rocket: 'M5 15c-1.5 1.5-2 5-2 5s3.5-.5 5-2M9 12l3 3M12 15l-3-3c1-4 5-9 11-9 0 6-5 10-9 11zM14.5 7.5h.01',
  share: 'M4 12v7a1 1 0 0 0 1 1h14a1 1 0 0 0 1-1v-7M12 3v12M8 7l4-4 4 4',
  bolt: 'M13 3L5 14h6l-1 7 8-11h-6z',
  history: 'M3 12a9 9 0 1 0 3-6.7L3 8M3 3v5h5M12 7v5l3 2',
  terminal: 'M4 5h16v14H4zM8 10l2 2-2 2M12 14h4',
  chart: 'M4 19h16M7 16V9M12 16V5M17 16v-4',
  table: 'M4 5h16v14H4zM4 10h16M4 15h16M10 5v14',
  panel: 'M4 5h16v14H4zM4 14h16',
  fit: 'M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5',
  comment: 'M5 5h14v10H9l-4 4z',
  alert: 'M12 4l9 16H3zM12 10v4M12 17v.5',
  folder: 'M3 6a1 1 0 0 1 1-1h5l2 2h9a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1z',
  file: 'M6 3h8l4 4v14H6zM14 3v4h4',
  key: 'M14 10a4 4 0 1 0-3.5 4L9 16H7v2H5v2H3v-3l6.5-6.5',
};

export function Icon({ name, size = 16, className = '' }) {
  return (
    <svg className={`icon ${className}`} width={size} height={size} viewBox="0 0 24 24" fill="none"
      stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      <path d={PATHS[name] || ''} />
    </svg>
  );
}
