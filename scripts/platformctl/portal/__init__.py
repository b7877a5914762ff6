"""The developer portal: a static site of every API, Iceberg table, event route and warehouse.

Built by `make portal` (`platformctl portal build`) into build/portal/ from the resolved catalog
(`EnvironmentInputs` per environment, plus the loaded `Catalog` for what is said once per entry,
such as an API's owner), and from the latest plan and outputs of each environment where present.

- `sources`: I/O at the input edge (catalog, plans, outputs, linter findings, the price table);
- `pages`, `routing`, `pricing`, `topology`, `search`: pure page data from those inputs;
- `render`: Jinja2 templates to HTML;
- `tools`: the external renderers (Redoc through `@redocly/cli build-docs`, Graphviz `dot`);
- `build`: the one place that writes the site.
"""
