// Brings in the testkit's `ProvidedContext` augmentation, so that inject('pgUrl') is typed.
import type {} from '@sparkify/testkit/global-setup';
