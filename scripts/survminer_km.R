# The demo cohort's Kaplan-Meier figures drawn by survminer, to compare with `y90gui figure km`
# (docs/publication/KM-vs-survminer.md).
#
#   python scripts/km_csv.py                      # docs/publication/km_demo_os.csv (our rows)
#   Rscript scripts/survminer_km.R [CSV] [OUTDIR] [TABLEDIR]
#
# Same data, same physical size (170 x 120 mm, 300 dpi), same method as our figure: years of
# 365.25 days, pointwise 95% CI by log-log (survfit's conf.type), x ticks every year, numbers at
# risk at the ticks, log-rank p (survdiff) for the strata, colours fixed per RECIST category as in
# y90gui.figures.palette. Writes survminer_km_os.png and survminer_km_recist.png to OUTDIR, and
# to TABLEDIR the numbers survminer drew (risk table, survival at the ticks, p-value) as CSV.
suppressPackageStartupMessages({
  library(survival)
  library(ggplot2)
  library(survminer)
})

args <- commandArgs(trailingOnly = TRUE)
csv <- if (length(args) >= 1) args[1] else "docs/publication/km_demo_os.csv"
outdir <- if (length(args) >= 2) args[2] else "docs/screenshots/publication"
tabdir <- if (length(args) >= 3) args[3] else "docs/publication"

d <- read.csv(csv, stringsAsFactors = FALSE, na.strings = "")
d$years <- d$days / 365.25
codes <- c("CR", "PR", "SD", "PD", "NE", "not_assessed")
colours <- c(CR = "#009E73", PR = "#0072B2", SD = "#999999", PD = "#D55E00", NE = "#CC79A7",
             not_assessed = "#E69F00")
d$recist_3m <- factor(d$recist_3m, levels = codes)
d_strata <- droplevels(d[!is.na(d$recist_3m), ])

breaks <- 1
t_max <- ceiling(max(d$years))
ticks <- seq(0, t_max, by = breaks)

draw <- function(fit, data, file, stratified) {
  p <- ggsurvplot(
    fit, data = data,
    conf.int = TRUE, conf.int.style = "ribbon", risk.table = TRUE, pval = stratified,
    censor = TRUE, censor.shape = "|", surv.median.line = "hv",
    surv.scale = "percent", xlim = c(0, t_max), break.time.by = breaks,
    xlab = "Years since first radioembolization", ylab = "Overall survival",
    legend.title = if (stratified) "RECIST at 3 months" else "",
    legend.labs = if (stratified) levels(data$recist_3m) else "All patients",
    palette = if (stratified) unname(colours[levels(data$recist_3m)]) else "#000000",
    risk.table.title = "Number at risk", risk.table.height = 0.28, tables.y.text = TRUE,
    fontsize = 8 / .pt,  # risk table numbers in mm (ggplot's size), 8 pt
    ggtheme = theme_classic(base_size = 8),
    tables.theme = theme_cleantable(base_size = 8)
  )
  png(file, width = 170, height = 120, units = "mm", res = 300)
  print(p)
  invisible(dev.off())
  p
}

fit_all <- survfit(Surv(years, status) ~ 1, data = d, conf.type = "log-log")
fit_rc <- survfit(Surv(years, status) ~ recist_3m, data = d_strata, conf.type = "log-log")
p_all <- draw(fit_all, d, file.path(outdir, "survminer_km_os.png"), FALSE)
p_rc <- draw(fit_rc, d_strata, file.path(outdir, "survminer_km_recist.png"), TRUE)

# the numbers survminer drew: its risk table, the curves at the ticks, the log-rank p
risk <- function(p, name) {
  t <- p$table$data
  strata <- if ("strata" %in% names(t)) sub("^recist_3m=", "", as.character(t$strata)) else "all"
  data.frame(figure = name, stratum = strata, time = t$time, n.risk = t$n.risk)
}
write.csv(rbind(risk(p_all, "os"), risk(p_rc, "recist")),
          file.path(tabdir, "survminer_at_risk.csv"), row.names = FALSE)
at <- function(fit, name) {
  s <- summary(fit, times = ticks, extend = TRUE)
  strata <- if (is.null(s$strata)) "all" else sub("^recist_3m=", "", as.character(s$strata))
  data.frame(figure = name, stratum = strata, time = s$time, surv = round(s$surv, 6),
             lower = round(s$lower, 6), upper = round(s$upper, 6), n.risk = s$n.risk)
}
write.csv(rbind(at(fit_all, "os"), at(fit_rc, "recist")), file.path(tabdir, "survminer_at_ticks.csv"),
          row.names = FALSE)
med <- function(fit, name) {
  q <- quantile(fit, probs = 0.5, conf.int = TRUE)
  strata <- if (is.null(fit$strata)) "all" else sub("^recist_3m=", "", names(fit$strata))
  data.frame(figure = name, stratum = strata, n = fit$n, events = as.vector(if (is.null(fit$strata))
    sum(fit$n.event) else tapply(fit$n.event, rep(seq_along(fit$strata), fit$strata), sum)),
    median = as.vector(q$quantile), lower = as.vector(q$lower), upper = as.vector(q$upper))
}
write.csv(rbind(med(fit_all, "os"), med(fit_rc, "recist")), file.path(tabdir, "survminer_medians.csv"),
          row.names = FALSE)
sd <- survdiff(Surv(years, status) ~ recist_3m, data = d_strata)
write.csv(data.frame(chisq = sd$chisq, df = length(sd$n) - 1,
                     p = pchisq(sd$chisq, length(sd$n) - 1, lower.tail = FALSE),
                     survminer_pval_text = surv_pvalue(fit_rc, data = d_strata)$pval.txt),
          file.path(tabdir, "survminer_logrank.csv"), row.names = FALSE)
cat("wrote", file.path(outdir, "survminer_km_os.png"), "and", file.path(outdir, "survminer_km_recist.png"), "\n")
