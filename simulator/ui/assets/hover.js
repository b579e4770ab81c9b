// Hover texts of the floor-plan pictures: any element with a data-tip attribute shows its
// text in the #tip box next to the pointer (touch: on tap). No network, no library.
(function () {
  "use strict";
  const tip = document.getElementById("tip");
  if (!tip) return;
  let shown = null;
  function place(event) {
    const pad = 14;
    const box = tip.getBoundingClientRect();
    let x = event.clientX + pad;
    let y = event.clientY + pad;
    if (x + box.width > window.innerWidth - 4) x = event.clientX - box.width - pad;
    if (y + box.height > window.innerHeight - 4) y = event.clientY - box.height - pad;
    tip.style.left = Math.max(4, x) + "px";
    tip.style.top = Math.max(4, y) + "px";
  }
  function show(event) {
    const target = event.target.closest ? event.target.closest("[data-tip]") : null;
    if (!target) {
      if (shown) { tip.style.display = "none"; shown = null; }
      return;
    }
    const text = target.getAttribute("data-tip");
    if (target !== shown || tip.textContent !== text) {
      tip.textContent = text;
      shown = target;
    }
    tip.style.display = "block";
    place(event);
  }
  document.addEventListener("pointermove", show);
  document.addEventListener("pointerdown", show);
  function hide() { tip.style.display = "none"; shown = null; }
  document.addEventListener("pointerleave", hide);
  window.addEventListener("scroll", hide, { passive: true });
  window.mppTip = { refresh: function () { if (shown) tip.textContent = shown.getAttribute("data-tip"); } };
})();
