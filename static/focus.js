// After a submit, the page's first message takes the focus, so keyboard and screen-reader users land on what
// happened (a cast ballot's receipt, a refusal). The autofocus attribute alone does not do it when the address
// carries a #fragment: the browser scrolls to the fragment after the load and leaves the focus on the body.
window.addEventListener("load", () => {
  const message = document.querySelector("main .flash[autofocus]");
  if (message) setTimeout(() => message.focus(), 0);
});
