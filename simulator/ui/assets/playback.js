// The day played on the floor plan (simulator/ui/playback.py writes the data this reads).
// Each visitor's track is keyframes [t (s), x (dm), y (dm), state]; the dot moves straight
// between keyframes. States: 0 arriving, 1 waiting with a ticket, 2 called, 3 at the counter,
// 4 leaving, 5 in the kiosk line, 6 in the desk line, 7 on a stair or in a lift (hidden).
// No network, no library: one SVG, one requestAnimationFrame loop.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("data").textContent);
  const svg = document.querySelector("svg.hall");
  const NS = "http://www.w3.org/2000/svg";
  const texts = data.texts;
  const duration = (data.end - data.start) * 60;
  const target = data.target;
  const stops = data.stops.map(function (s) {
    const c = s[1];
    return [s[0], parseInt(c.slice(1, 3), 16), parseInt(c.slice(3, 5), 16), parseInt(c.slice(5, 7), 16)];
  });
  const ARRIVING = data.colours.arriving;
  const LEAVING = data.colours.leaving;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k] !== undefined ? values[k] : ""; });
  }
  function hex(v) { return ("0" + Math.round(v).toString(16)).slice(-2); }
  function waitColour(minutes) {
    const ratio = Math.max(0, minutes / target);
    for (let i = 1; i < stops.length; i++) {
      if (ratio <= stops[i][0]) {
        const a = stops[i - 1], b = stops[i];
        const f = (ratio - a[0]) / (b[0] - a[0]);
        return "#" + hex(a[1] + (b[1] - a[1]) * f) + hex(a[2] + (b[2] - a[2]) * f) + hex(a[3] + (b[3] - a[3]) * f);
      }
    }
    const last = stops[stops.length - 1];
    return "#" + hex(last[1]) + hex(last[2]) + hex(last[3]);
  }
  function clock(minute) {
    const m = Math.floor(minute + 1e-6);
    return ("0" + Math.floor(m / 60) % 24).slice(-2) + ":" + ("0" + (m % 60)).slice(-2);
  }

  // ---- tracks: typed arrays, the ticket time of each waiting run, the wait when called
  const tracks = data.tracks.map(function (a) {
    const k = (a.length - 1) / 4;
    const T = new Float64Array(k), X = new Float64Array(k), Y = new Float64Array(k);
    const S = new Int8Array(k), R = new Float64Array(k);
    let ticket = NaN, frozen = NaN;
    for (let i = 0; i < k; i++) {
      T[i] = a[1 + 4 * i]; X[i] = a[2 + 4 * i] / 10; Y[i] = a[3 + 4 * i] / 10; S[i] = a[4 + 4 * i];
      if (S[i] === 1 && (i === 0 || S[i - 1] !== 1)) ticket = T[i];
      if (S[i] === 2 && (i === 0 || S[i - 1] !== 2)) frozen = (T[i] - ticket) / 60;
      R[i] = S[i] === 1 ? ticket : (S[i] === 2 || S[i] === 3 ? frozen : NaN);
    }
    return { flags: a[0], T: T, X: X, Y: Y, S: S, R: R };
  });

  // ---- layers drawn over the plan
  const dots = document.createElementNS(NS, "g");
  dots.setAttribute("id", "dots");
  const badges = document.createElementNS(NS, "g");
  badges.setAttribute("id", "badges");
  svg.appendChild(badges);
  svg.appendChild(dots);
  const circles = tracks.map(function (t) {
    const c = document.createElementNS(NS, "circle");
    c.setAttribute("r", data.dot);
    if (t.flags & 1) {
      c.setAttribute("stroke", "#1d2b36");
      c.setAttribute("stroke-width", data.dot * 0.45);
    } else {
      c.setAttribute("stroke", "#ffffff");
      c.setAttribute("stroke-width", data.dot * 0.2);
    }
    c.style.display = "none";
    dots.appendChild(c);
    return c;
  });
  const font = data.font;
  const queueBadges = data.queues.map(function (q) {
    const g = document.createElementNS(NS, "g");
    g.setAttribute("class", "badge");
    g.style.display = "none";
    const r = document.createElementNS(NS, "rect");
    r.setAttribute("height", font * 1.35);
    r.setAttribute("y", q.y - font * 0.68);
    r.setAttribute("rx", font * 0.3);
    r.setAttribute("fill", "#fdebd0");
    r.setAttribute("stroke", "#e67e22");
    r.setAttribute("stroke-width", font * 0.08);
    const t = document.createElementNS(NS, "text");
    t.setAttribute("x", q.x);
    t.setAttribute("y", q.y + font * 0.36);
    t.setAttribute("text-anchor", "middle");
    t.setAttribute("font-weight", "700");
    t.setAttribute("fill", "#7b241c");
    g.appendChild(r);
    g.appendChild(t);
    badges.appendChild(g);
    return { g: g, rect: r, text: t, shown: -1, q: q };
  });
  const zoneFills = data.zones.map(function (z, i) {
    return { shape: document.getElementById("zone-" + i), label: document.getElementById("zone-" + i + "-n"), shown: -1, z: z };
  });

  function zoneColour(n, z) {
    const seats = z.seats || z.capacity || 1;
    const base = [214, 232, 245], full = [253, 235, 208], over = [241, 148, 138];
    let a, b, f;
    if (n <= seats) { a = base; b = full; f = n / seats; }
    else { a = full; b = over; f = Math.min(1, (n - seats) / Math.max(1, z.capacity - seats)); }
    return "#" + hex(a[0] + (b[0] - a[0]) * f) + hex(a[1] + (b[1] - a[1]) * f) + hex(a[2] + (b[2] - a[2]) * f);
  }

  // ---- one frame
  const hud = document.getElementById("hud");
  const clockLabel = document.getElementById("clock");
  const scrub = document.getElementById("scrub");
  scrub.max = String(duration);
  scrub.step = "30";
  let now = 0;

  function segment(t, time) {
    const T = t.T;
    let lo = 0, hi = T.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (T[mid] <= time) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  function render(time) {
    now = Math.max(0, Math.min(duration, time));
    const lines = { 5: [], 6: [] };
    let inside = 0, served = 0;
    for (let i = 0; i < tracks.length; i++) {
      const t = tracks[i], c = circles[i];
      const last = t.T.length - 1;
      if (last < 1 || now < t.T[0] || now >= t.T[last]) {
        if (now >= t.T[last]) served += 1;
        if (c.style.display !== "none") c.style.display = "none";
        continue;
      }
      const k = segment(t, now);
      const s = t.S[k];
      if (s === 7) { c.style.display = "none"; continue; }
      inside += 1;
      let colour;
      if (s === 1) colour = waitColour((now - t.R[k]) / 60);
      else if (s === 2 || s === 3) colour = waitColour(t.R[k]);
      else if (s === 4) colour = LEAVING;
      else colour = ARRIVING;
      c.setAttribute("fill", colour);
      c.style.display = "";
      if (s === 5 || s === 6) { lines[s].push([t.T[k], i]); continue; }
      const span = t.T[k + 1] - t.T[k];
      const f = span > 0 ? (now - t.T[k]) / span : 1;
      c.setAttribute("cx", (t.X[k] + (t.X[k + 1] - t.X[k]) * f).toFixed(2));
      c.setAttribute("cy", (t.Y[k] + (t.Y[k + 1] - t.Y[k]) * f).toFixed(2));
    }
    [5, 6].forEach(function (s) {
      const anchor = data.lines[String(s)];
      if (!anchor) return;
      const members = lines[s].sort(function (a, b) { return a[0] - b[0]; });
      const dx = anchor[2] / 100, dy = anchor[3] / 100;
      members.forEach(function (m, rank) {
        const row = Math.floor(rank / 4), col = rank % 4;
        const along = 0.9 + row * 0.55, across = (col - 1.5) * 0.55;
        const c = circles[m[1]];
        c.setAttribute("cx", (anchor[0] / 10 + dx * along - dy * across).toFixed(2));
        c.setAttribute("cy", (anchor[1] / 10 + dy * along + dx * across).toFixed(2));
      });
    });
    // zones: people in each against its seats
    const inZone = new Array(data.zones.length).fill(0);
    const stays = data.stays;
    for (let i = 0; i < stays.length; i += 3) {
      if (stays[i + 1] <= now && now < stays[i + 2]) inZone[stays[i]] += 1;
    }
    zoneFills.forEach(function (z, i) {
      const n = inZone[i];
      if (n === z.shown) return;
      z.shown = n;
      if (z.shape) z.shape.setAttribute("fill", zoneColour(n, z.z));
      const text = fill(texts.people, { n: n, seats: z.z.seats, capacity: z.z.capacity });
      if (z.label) z.label.textContent = text;
      if (z.shape) z.shape.setAttribute("data-tip", fill(texts.zoneTip, { name: z.z.name, n: n, seats: z.z.seats, capacity: z.z.capacity }));
    });
    // tickets waiting per queue
    const waiting = new Array(data.queues.length).fill(0);
    const tickets = data.tickets;
    let holders = 0;
    for (let i = 0; i < tickets.length; i += 3) {
      if (tickets[i + 1] <= now && now < tickets[i + 2]) { waiting[tickets[i]] += 1; holders += 1; }
    }
    queueBadges.forEach(function (b, i) {
      const n = waiting[i];
      if (n === b.shown) return;
      b.shown = n;
      if (n <= 0) { b.g.style.display = "none"; return; }
      b.g.style.display = "";
      b.text.textContent = String(n);
      const w = font * (0.9 + 0.62 * String(n).length);
      b.rect.setAttribute("x", b.q.x - w / 2);
      b.rect.setAttribute("width", w);
      b.g.setAttribute("data-tip", fill(texts.tickets, { n: n, name: b.q.name }));
    });
    const minute = data.start + now / 60;
    clockLabel.textContent = clock(minute);
    document.body.setAttribute("data-minute", String(Math.floor(minute + 1e-6)));
    scrub.value = String(now);
    hud.textContent = fill(texts.inside, { n: inside }) + "  ·  " + fill(texts.waiting, { n: holders }) +
      "  ·  " + fill(texts.served, { n: served });
    if (window.mppTip) window.mppTip.refresh();
  }

  // ---- controls
  const button = document.getElementById("play");
  const speed = document.getElementById("speed");
  let playing = false, last = null;
  function setPlaying(on) {
    playing = on;
    button.textContent = on ? texts.pause : texts.play;
    button.setAttribute("aria-label", button.textContent);
    document.body.setAttribute("data-playing", on ? "1" : "0");
    last = null;
    if (on) requestAnimationFrame(tick);
  }
  function tick(stamp) {
    if (!playing) return;
    if (last !== null) {
      const minutesPerSecond = parseFloat(speed.value) || 10;
      render(now + (stamp - last) / 1000 * minutesPerSecond * 60);
      if (now >= duration) { setPlaying(false); return; }
    }
    last = stamp;
    requestAnimationFrame(tick);
  }
  button.addEventListener("click", function () {
    if (!playing && now >= duration) render(0);
    setPlaying(!playing);
  });
  scrub.addEventListener("input", function () { render(parseFloat(scrub.value)); });
  document.addEventListener("keydown", function (e) {
    if (e.code === "Space" && e.target.tagName !== "SELECT") { e.preventDefault(); button.click(); }
  });
  window.mppPlayback = {
    play: function () { if (!playing) button.click(); },
    pause: function () { setPlaying(false); },
    seek: function (minute) { render((minute - data.start) * 60); },
    minute: function () { return data.start + now / 60; },
  };
  render((data.initial - data.start) * 60);
  setPlaying(false);
})();
