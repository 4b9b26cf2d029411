namespace GridSpatial.Partitioner.Editing;

/// <summary>A unit the edit cut into separate parts keeps its largest parts (as many as it had
/// before, one for a new unit); every other part goes to the neighbour in the same grid it
/// shares the longest border with, the edited unit last, so a redrawn boundary stays as drawn
/// wherever possible. At most three passes.</summary>
internal static class FragmentAbsorber
{
    public static void Apply(EditScope scope)
    {
        var faces = scope.Faces;
        FaceOwner? avoid = scope.Edited is null ? null : new OldCell(scope.Edited.Index);
        for (int pass = 0; pass < 3; pass++)
        {
            bool moved = false;
            foreach (var group in faces.GroupBy(f => (f.Target, f.Grid)).ToList())
            {
                var parts = FaceGraph.Components(group.ToList());
                int allowed = group.Key.Target is OldCell old ? scope.Cells[old.Cell].Metric.NumGeometries : 1;
                if (parts.Count <= allowed) continue;
                foreach (var part in parts.OrderByDescending(p => p.Sum(f => f.Metric.Area)).Skip(allowed))
                {
                    var others = faces.Where(f => f.Grid == group.Key.Grid && f.Target != group.Key.Target).ToList();
                    var to = FaceGraph.LongestBorder(part, others.Where(f => f.Target != avoid), f => f.Target) ?? FaceGraph.LongestBorder(part, others, f => f.Target);
                    if (to is null) continue;
                    foreach (var f in part) f.Target = to;
                    moved = true;
                }
            }
            if (!moved) return;
        }
    }

}
