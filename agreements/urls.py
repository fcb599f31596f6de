from .views import drafting, review

app_name = "agreements"

# Drafting (list, agreement page, drafting, clauses, preview, submit, templates) and review
# (comments, approval, signatures, comparison, PDFs, verification) keep their own routes.
urlpatterns = [*drafting.urlpatterns, *review.urlpatterns]
