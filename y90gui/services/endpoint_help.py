"""How every figure of the study report is computed, in words, written once.

A dict endpoint key -> definition (plain text, no mark-up), following spec/report.md and
spec/analysis.md. The report view shows them as the tooltip of each line
(`services.report_html` tags each line with its key); the offline user guide can print the
same texts, so a definition never reads one way in a tooltip and another in the guide.
`definition(key)` is the one accessor (an unknown key is a programming error, so it raises).
"""

from __future__ import annotations

_KM_RULES = ("Kaplan\u2013Meier with R survival's rules: time in years = days / 365.25; median = the first time "
             "S(t) \u2264 0.5; each CI limit the first time the pointwise band (Greenwood, the chosen CI method) "
             "is \u2264 0.5; NR = not reached.")

DEFINITIONS: dict[str, str] = {
    "patients": "Patients with at least one radioembolization (RE).",
    "procedures": "Radioembolization procedures of these patients.",
    "whole_liver": "Procedures with extent = whole liver / all procedures.",
    "prrt_to_re_days": ("Per patient: days from the last PRRT cycle before the first RE to the first RE; "
                        "median and interquartile range of the patients with prior PRRT."),
    "prior_prrt": ("Per patient: PRRT cycles before the first RE, their cumulative activity (GBq) and "
                   "radiopharmaceuticals."),
    "recist_3m": ("RECIST 1.1 at the 3-month assessment: per patient the assessment closest to day 90 after the "
                  "first RE within days 45\u2013135; recorded, or derived from the target-lesion sums (PD: new "
                  "lesions, non-target PD, or +20% and +5 mm over the smallest sum so far; PR: \u221230% from "
                  "baseline; CR: sum 0 and non-target CR or absent; else SD)."),
    "orr": "Objective response rate: (CR + PR) / evaluable patients (CR, PR, SD or PD at 3 months).",
    "dcr": "Disease control rate: (CR + PR + SD) / evaluable patients (CR, PR, SD or PD at 3 months).",
    "clinical_response_3m": ("Patients with a functional syndrome whose 3-month clinical response is yes / "
                             "symptomatic patients with a yes or no answer."),
    "clinical_toxicity_3m": ("Procedures (or patients) with at least one clinical adverse event belonging to the "
                             "procedure with onset within 90 days after it / all procedures (patients). An adverse "
                             "event belongs to the procedure it names, else to the latest one on or before its onset."),
    "complications": ("Procedures (or patients) with at least one complication adverse event / all procedures "
                      "(patients)."),
    "reild": "Patients with an adverse event whose term is REILD (radioembolization-induced liver disease) / patients.",
    "reild_fatal": "Patients with a grade 5 REILD / patients.",
    "lab_toxicity": ("CTCAE v4.03 grade of each lab value; per procedure the worst grade on days 1\u201390 after it "
                     "(per patient: the worst over all the patient's procedures); N = procedures (patients) with at "
                     "least one value of the test in the window. A value that cannot be graded (no ULN/LLN where "
                     "needed) is counted as not gradable, never as grade 0."),
    "os": ("Overall survival from the first RE to death (event) or the follow-up date (censored). " + _KM_RULES),
    "os_survival": "Kaplan\u2013Meier survival at 1, 2, 3 and 5 \u00d7 365.25 days with its pointwise 95% CI.",
    "at_risk": "Number at risk at each year: patients whose time is \u2265 that year.",
    "pfs": ("Progression-free survival from the first RE to the earlier of the first assessment after it with "
            "RECIST 1.1 PD (recorded or derived by the report's rule) and death; otherwise censored at the last "
            "assessment after the first RE (at day 0 when there is none). " + _KM_RULES),
    "os_landmark_3m": ("Landmark OS by 3-month response: patients alive with follow-up beyond day 90 after the first "
                       "RE, grouped by their 3-month RECIST category (responders CR, PR; non-responders SD, PD; NE and "
                       "not assessed left out and counted); time from day 90; groups compared with the log-rank test "
                       "(R's survdiff). A landmark avoids the bias of comparing from day 0 patients who had to "
                       "survive to be assessed."),
    "spss_median": ("The median as SPSS prints it, which published series report: t50 = the first event time with "
                    "S \u2264 0.5; SE = Greenwood SE of S at t50 divided by the slope "
                    "f = (S(u) \u2212 S(l)) / (l \u2212 u) "
                    "(u: the largest event time with S \u2265 0.55, l: the smallest with S \u2264 0.45); 95% CI = "
                    "t50 \u00b1 1.96 SE, symmetric (checked against SPSS's output for Freireich's 6-MP data)."),
    "post_re_treatments": "Patients with each treatment after the first RE / patients.",
    "cox": ("Cox proportional hazards (statsmodels PHReg, Efron ties, as R's coxph): HR = exp(\u03b2), 95% CI "
            "exp(\u03b2 \u00b1 1.96 se), Wald p; factors against their first level, numbers per unit; patients "
            "with a missing covariate are left out of that model and counted."),
}


def definition(key: str) -> str:
    """The definition of a report line's figure (KeyError for a key nobody defined)."""
    return DEFINITIONS[key]
