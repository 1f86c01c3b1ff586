"""Redraw docs/family_profile.png (the README figure) from the bundled corpus."""

import matplotlib.pyplot as plt

import dvlib
from dvlib.report import figures
from dvlib import config

an = dvlib.get_analysis(config.corpus_dir(), config.build_dir())
target = config.project_dir() / "docs" / "family_profile.png"
plt.close(figures.family_profile(an.tables["profile_family"], lang="en", path=target, formats=("png",)))
print(target)
