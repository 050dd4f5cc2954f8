/** A page whose issue has not landed yet: says what will be here. */
export function ComingSoon(props: { title: string; children: string }) {
  return (
    <div class="page" data-testid={`page-${props.title.toLowerCase().replace(/\s+/g, "-")}`}>
      <header class="page-head">
        <div>
          <h1>{props.title}</h1>
          <p class="sub">Not built yet</p>
        </div>
      </header>
      <div class="panel">
        <div class="panel-body empty">{props.children}</div>
      </div>
    </div>
  );
}
