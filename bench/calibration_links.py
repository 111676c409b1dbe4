#!/usr/bin/env python3
"""calibration_links.py TRAIN.csv DEVTEST.csv CELEBA.csv

Other curve families for distance -> P(same), fit on TRAIN (Platt's targets,
maximum likelihood) and scored as docs/accuracy.md reports them: 5-fold CV log
loss on TRAIN, ECE (10 equal-width bins) on each file. The CSVs are
`biosense evaluate --scores` files. Needs numpy and scipy (pip install).
"""
import csv, math, random
import numpy as np
from scipy.optimize import minimize
def load(f):
    d=[];y=[]
    for r in csv.DictReader(open(f)):
        if r['distance']: d.append(float(r['distance'])); y.append(int(r['same']))
    return np.array(d), np.array(y)
import sys
if len(sys.argv) != 4:
    sys.exit(__doc__)
tr, te, ce = (load(f) for f in sys.argv[1:4])
def platt_targets(y):
    npos=y.sum(); nneg=len(y)-npos
    return np.where(y==1,(npos+1)/(npos+2),1/(nneg+2))
links={
 'logit': (lambda p,d: 1/(1+np.exp(p[0]*(d-p[1]))), [40,0.6]),
 'logit-logd': (lambda p,d: 1/(1+np.exp(p[0]*(np.log(d)-np.log(p[1])))), [20,0.6]),
 'cauchit': (lambda p,d: 0.5-np.arctan(p[0]*(d-p[1]))/math.pi, [40,0.6]),
 'probit': (lambda p,d: 0.5*(1+np.vectorize(math.erf)(-p[0]*(d-p[1])/math.sqrt(2))), [20,0.6]),
 'logit-floor': (lambda p,d: p[2]+(1-2*p[2])/(1+np.exp(p[0]*(d-p[1]))), [40,0.6,0.01]),
}
def fit(f,p0,d,y):
    t=platt_targets(y)
    def nll(p):
        if len(p)>2 and not (0<=p[2]<0.2): return 1e9
        q=np.clip(f(p,d),1e-12,1-1e-12); return -np.sum(t*np.log(q)+(1-t)*np.log(1-q))
    return minimize(nll,p0,method='Nelder-Mead',options={'maxiter':5000,'xatol':1e-6,'fatol':1e-9}).x
def ece(f,p,d,y):
    q=f(p,d); e=0
    for b in range(10):
        m=(q>=b/10)&((q<(b+1)/10) if b<9 else (q<=1))
        if m.sum(): e+=m.sum()*abs(q[m].mean()-y[m].mean())
    return e/len(y)
def cvll(f,p0,d,y):
    idx=list(range(len(d))); random.Random(1).shuffle(idx); idx=np.array(idx); ll=0
    for k in range(5):
        te_=idx[k::5]; tr_=np.setdiff1d(idx,te_)
        p=fit(f,p0,d[tr_],y[tr_]); q=np.clip(f(p,d[te_]),1e-12,1-1e-12)
        ll+=-np.sum(y[te_]*np.log(q)+(1-y[te_])*np.log(1-q))
    return ll/len(d)
for name,(f,p0) in links.items():
    p=fit(f,p0,*tr)
    print(f"{name:12s} params {np.round(p,4)} CV logloss {cvll(f,p0,*tr):.4f}  ECE train {ece(f,p,*tr):.4f} devtest {ece(f,p,*te):.4f} celeba {ece(f,p,*ce):.4f}")
