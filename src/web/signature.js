// A signature pad on a canvas: pointer events, so a finger, a stylus and a
// mouse all draw. The strokes are kept so the picture survives a resize.
export function attachPad(canvas) {
  const ctx = canvas.getContext('2d');
  const pad = { strokes: [], current: null };
  const point = (e) => {
    const r = canvas.getBoundingClientRect();
    return [(e.clientX - r.left) * (canvas.width / r.width), (e.clientY - r.top) * (canvas.height / r.height)];
  };
  const draw = () => {
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.strokeStyle = '#111111';
    ctx.lineWidth = 3;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    for (const s of pad.strokes) {
      ctx.beginPath();
      s.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
      if (s.length === 1) ctx.lineTo(s[0][0] + 0.1, s[0][1]);
      ctx.stroke();
    }
  };
  canvas.addEventListener('pointerdown', (e) => {
    canvas.setPointerCapture(e.pointerId);
    pad.current = [point(e)];
    pad.strokes.push(pad.current);
    draw();
    e.preventDefault();
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!pad.current) return;
    pad.current.push(point(e));
    draw();
    e.preventDefault();
  });
  const end = () => { pad.current = null; };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  canvas.__pad = pad;
  draw();
}

export function clearPad(canvas) {
  canvas.__pad.strokes = [];
  canvas.__pad.current = null;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
}

/** How many points were drawn: an empty pad is not a signature. */
export function padPoints(canvas) {
  return canvas.__pad.strokes.reduce((n, s) => n + s.length, 0);
}

export async function padPng(canvas) {
  const blob = await new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the signature could not be encoded'))), 'image/png'));
  return new Uint8Array(await blob.arrayBuffer());
}
