/* coursegen search: filters the listed courses of search.json in place.
   Without JavaScript the form stays hidden and the type and category links do the filtering.
   Loaded without defer from <head>: it marks <html class="js"> before the first paint, so the
   form is laid out from the start and never shifts the page when it appears. */
(function () {
"use strict";
if (!window.fetch || !window.URLSearchParams) return;
document.documentElement.classList.add("js");
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();

function start() {
  var form = document.querySelector("form.search");
  if (!form) return;
  var query = form.elements.q, type = form.elements.type, category = form.elements.category;
  var results = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var listing = document.getElementById("listing");
  var defaults = { type: type.value, category: category.value };
  var courses = null;
  var shown = null; // the query the results show now: re-rendering them on blur would swallow a click

  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function matches(course, words) {
    if (type.value && course.type !== type.value) return false;
    if (category.value && !course.categories.some(function (c) { return c.slug === category.value; })) return false;
    var haystack = fold([course.name, course.type_label, course.summary]
      .concat(course.categories.map(function (c) { return c.name; })).join(" "));
    return words.every(function (word) { return haystack.indexOf(word) !== -1; });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function card(course) {
    var article = element("article", "card");
    var title = article.appendChild(element("h2", "card-title"));
    var link = title.appendChild(element("a", "", course.name));
    link.href = course.url;
    article.appendChild(element("p", "card-type", course.type_label));
    if (course.categories.length) {
      var tags = article.appendChild(element("ul", "tags"));
      tags.setAttribute("aria-label", "Categories");
      course.categories.forEach(function (c) { tags.appendChild(element("li", "", c.name)); });
    }
    var stats = article.appendChild(element("dl", "stats"));
    function stat(name, value) {
      var row = stats.appendChild(element("div"));
      row.appendChild(element("dt", "", name));
      row.appendChild(element("dd", "", value));
    }
    if (course.member_count !== null) stat("Members", String(course.member_count));
    stat("Average completion", course.avg_completion_rate + "%");
    return article;
  }

  function update() {
    var key = [query.value, type.value, category.value, courses ? 1 : 0].join("\u0000");
    if (key === shown) return;
    shown = key;
    var words = fold(query.value).split(/\s+/).filter(Boolean);
    var active = words.length || type.value !== defaults.type || category.value !== defaults.category;
    var params = new URLSearchParams();
    if (query.value.trim()) params.set("q", query.value.trim());
    if (type.value !== defaults.type) params.set("type", type.value);
    if (category.value !== defaults.category) params.set("category", category.value);
    var search = params.toString();
    history.replaceState(null, "", location.pathname + (search ? "?" + search : ""));
    if (!active || !courses) {
      results.hidden = true;
      listing.hidden = false;
      status.textContent = "";
      return;
    }
    var found = courses.filter(function (c) { return matches(c, words); });
    results.replaceChildren.apply(results, found.map(card));
    results.hidden = false;
    listing.hidden = true;
    status.textContent = found.length === 1 ? "1 course found." : found.length + " courses found.";
  }

  var initial = new URLSearchParams(location.search);
  if (initial.has("q")) query.value = initial.get("q");
  if (initial.has("type")) type.value = initial.get("type");
  if (initial.has("category")) category.value = initial.get("category");
  form.addEventListener("submit", function (event) { event.preventDefault(); update(); });
  form.addEventListener("input", update);
  form.addEventListener("change", update); // select menus that fire no input event
  fetch(form.getAttribute("data-index"))
    .then(function (response) {
      if (!response.ok) throw new Error("search index: HTTP " + response.status);
      return response.json();
    })
    .then(function (data) { courses = data.courses; update(); })
    .catch(function () { document.documentElement.classList.remove("js"); });
}
}());
