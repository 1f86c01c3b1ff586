"""Redraw docs/family_profile.png (the README figure) from the bundled corpus."""

import matplotlib.pyplot as plt

import dvlib
from dvlib import figures, paths

an = dvlib.get_analysis(paths.corpus_dir(), paths.build_dir())
target = paths.project_dir() / "docs" / "family_profile.png"
plt.close(figures.family_profile(an.tables["profile_family"], lang="en", path=target, formats=("png",)))
print(target)
