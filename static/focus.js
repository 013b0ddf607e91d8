// After a submit, the focus moves to what happened: the page's first message (a cast ballot's receipt, a
// refusal), else the first field a refusal names, whose message is tied to it by aria-describedby. The
// autofocus attribute alone does not do it when the address carries a #fragment: the browser scrolls to the
// fragment after the load and leaves the focus on the body.
window.addEventListener("load", () => {
  const target = document.querySelector("main .flash[autofocus]") || document.querySelector('main [aria-invalid="true"]');
  if (target) setTimeout(() => target.focus(), 0);
});
