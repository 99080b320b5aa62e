// Keeps the screen current from the party's event stream. Data only ever goes in through textContent,
// so a name like <img src=x onerror=alert(1)> shows as text. EventSource reconnects by itself (the server
// asks for 1 s), also after the bot restarts; a reset link answers 404 and the page says so.
"use strict";

(function () {
  const byId = (id) => document.getElementById(id);

  function setText(id, value) {
    const element = byId(id);
    if (element.textContent !== value) element.textContent = value;
  }

  function span(className, value) {
    const element = document.createElement("span");
    element.className = className;
    element.textContent = value;
    return element;
  }

  function item(...parts) {
    const element = document.createElement("li");
    element.append(...parts.filter(Boolean));
    return element;
  }

  function setFill(fraction) {
    const clamped = Math.max(0, Math.min(1, Number(fraction) || 0));
    byId("fill").style.width = (clamped * 100).toFixed(2) + "%";
  }

  function render(s) {
    setText("name", s.name);
    document.title = s.name + ": live";
    setText("charity", s.charity || "");
    byId("charity").hidden = !s.charity;
    byId("status").hidden = !s.closed;
    setText("status", s.closed ? "The night is over. Thank you!" : "");
    setText("raised", s.raised);
    byId("bar").hidden = s.goal === null;
    setFill(s.fill);
    setText("percent", s.percent === null ? "" : s.percent + "%");
    setText("goal", s.goal === null ? "" : "of " + s.goal + " goal");
    setText("received", s.received);
    setText("donors", s.donors.toLocaleString("en-US"));
    setText("pledges", s.pledges.toLocaleString("en-US"));
    byId("milestone-box").hidden = s.milestone === null;
    setText("milestone", s.milestone || "");
    byId("newest").replaceChildren(...s.newest.map((p) => item(
      span("amount", p.amount), span("who", p.name === null ? "Anonymous" : p.name),
      p.note ? span("note", p.note) : null,
    )));
    setText("ratio", s.ratio);
    setText("announced", s.announced + " of " + s.categories);
    byId("results").replaceChildren(...s.results.map((r) => item(
      span("winner", r.winner), span("category", r.category),
    )));
    byId("leader-box").hidden = s.leader === null;
    setText("leader", s.leader || "");
  }

  function connect() {
    const source = new EventSource(location.pathname.replace(/\/+$/, "") + "/events");
    source.onmessage = (event) => {
      byId("offline").hidden = true;
      render(JSON.parse(event.data));
    };
    source.onerror = () => {
      const offline = byId("offline");
      if (source.readyState === EventSource.CLOSED) {
        offline.textContent = "This link no longer works. Ask a host for the new one (/party screen).";
      } else {
        offline.textContent = "Reconnecting…";
      }
      offline.hidden = false;
    };
  }

  setFill(byId("fill").dataset.fill);
  requestAnimationFrame(() => requestAnimationFrame(() => document.documentElement.classList.add("live")));
  connect();
})();
