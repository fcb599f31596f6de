from django import template

register = template.Library()

CELL_TEMPLATE = "training/includes/compliance_cell.html"


@register.simple_tag(takes_context=True)
def compliance_cell(context, cell) -> str:
    """One cell of the compliance matrix (``training.compliance.Cell``), rendered once per distinct
    cell in a page: cells are immutable and most are alike, so a page of 25 people and 6 courses
    renders a few templates rather than 150."""
    made = context.render_context.setdefault("compliance_cells", {})
    html = made.get(cell)
    if html is None:
        html = made[cell] = context.template.engine.get_template(CELL_TEMPLATE).render(
            template.Context({"cell": cell}, autoescape=context.autoescape)
        )
    return html
