"""The daily work: visits (``visits``, ``visit_list``), stage moves (``stages``), suggested next
steps (``suggestions``), the worklist (``worklist``), what the forms offer (``choices``), and the
correction of a recorded fact by void and record anew (``corrections``)."""
