import pytest


@pytest.fixture(autouse=True)
def _core_without_document_rendering(request):
    """The core's tests test the workflow; rendering PDF/DOCX for every act is tested (thoroughly)
    in xinfang/documents/tests. Tests marked ``with_documents`` keep the real hook."""
    if request.node.get_closest_marker("with_documents"):
        yield
        return
    from xinfang.matters import hooks

    with hooks.suspended("xinfang.documents.services", "xinfang.documents.hooks"):
        yield
