// The workbench's only script: decisions saved without a reload, and j/k/a/d/n on the report
// page. Everything works without it (the forms post and redirect back).
(function () {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var who = document.getElementById("reviewer");
  if (who) {
    var saved = window.localStorage.getItem("extractor.reviewer");
    if (saved) { who.value = saved; }
    who.addEventListener("change", function () { window.localStorage.setItem("extractor.reviewer", who.value); });
  }
  var cards = Array.prototype.slice.call(document.querySelectorAll(".finding"));
  var current = -1;

  function highlights(id) {
    return Array.prototype.filter.call(document.querySelectorAll("[data-f]"), function (el) {
      return el.getAttribute("data-f").split(" ").indexOf(String(id)) >= 0;
    });
  }

  function select(i) {
    if (!cards.length) { return; }
    current = Math.max(0, Math.min(cards.length - 1, i));
    document.querySelectorAll(".current, .active").forEach(function (el) { el.classList.remove("current", "active"); });
    var card = cards[current];
    card.classList.add("current");
    card.scrollIntoView({block: "nearest"});
    var marks = highlights(card.dataset.id);
    marks.forEach(function (el) { el.classList.add("active"); });
    if (marks.length) { marks[0].scrollIntoView({block: "center"}); }
  }

  function when(iso) {  // as the server renders it: 2024-03-01 09:30 UTC
    return iso ? iso.replace("T", " ").slice(0, 16) + " UTC" : "";
  }

  function show(card, data) {
    var p = card.querySelector(".decision");
    p.dataset.decision = data.decision;
    p.textContent = (data.decision === "accepted" ? "已采纳" : "已驳回") + " · " + (data.reviewer || "?") + " · " +
      when(data.decided_at) + (data.note ? "：" + data.note : "");
    card.classList.remove("accepted", "dismissed");
    card.classList.add("decided", data.decision);
  }

  function decide(card, decision) {
    var form = card.querySelector("form.decide");
    var body = new URLSearchParams();
    body.set("decision", decision);
    body.set("note", form.querySelector("textarea").value);
    body.set("reviewer", who ? who.value : "");
    return fetch(form.action, {method: "POST", body: body, credentials: "same-origin",
                               headers: {"X-CSRF-Token": csrf, "Accept": "application/json"}})
      .then(function (r) { if (!r.ok) { return r.text().then(function (t) { throw new Error(t); }); } return r.json(); })
      .then(function (data) { show(card, data); })
      .catch(function (e) { window.alert("未能保存：" + e.message); });
  }

  cards.forEach(function (card, i) {
    var form = card.querySelector("form.decide");
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var button = ev.submitter || form.querySelector("button");
      decide(card, button.value);
    });
    card.addEventListener("click", function (ev) { if (!ev.target.closest("form")) { select(i); } });
  });
  document.querySelectorAll("a.jump").forEach(function (a) {
    a.addEventListener("click", function () {
      var el = document.getElementById(a.dataset.target);
      if (el) { el.classList.add("active"); }
    });
  });

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || !cards.length) { return; }
    var tag = ev.target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") {
      if (ev.key === "Escape") { ev.target.blur(); }
      return;
    }
    if (ev.key === "j") { select(current + 1); }
    else if (ev.key === "k") { select(current - 1); }
    else if ((ev.key === "a" || ev.key === "d") && current >= 0) { decide(cards[current], ev.key === "a" ? "accepted" : "dismissed"); }
    else if (ev.key === "n" && current >= 0) { cards[current].querySelector("textarea").focus(); ev.preventDefault(); }
    else { return; }
  });
}());
