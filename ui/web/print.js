// The print button of a printable page (the CSP allows no inline script).
"use strict";
document.querySelectorAll("[data-print]").forEach((b) => b.addEventListener("click", () => window.print()));
