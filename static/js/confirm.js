/* Pages without a live connection: ask before a form that cannot be undone is sent. */
(function () { "use strict"; if (window.SB) { window.SB.confirmForms(); } })();
